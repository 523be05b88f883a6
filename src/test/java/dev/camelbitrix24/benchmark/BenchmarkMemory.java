package dev.camelbitrix24.benchmark;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads memory and CPU figures of a process from Linux's /proc and from a JVM's {@code -Xlog:gc} file. */
final class BenchmarkMemory {

    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private BenchmarkMemory() {
    }

    /** A field of /proc/PID/status such as VmHWM (peak resident set), in KiB, or -1. */
    static long statusKib(long pid, String field) {
        for (String line : PipelineBenchmark.read(Path.of("/proc/" + pid + "/status")).split("\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /**
     * CPU time (user + system) a process has used so far, in milliseconds, from /proc/PID/stat (fields 14 and 15, in
     * clock ticks of 10 ms); "self" reads this JVM.
     */
    static long cpuMillis(String pid) {
        String stat = PipelineBenchmark.read(Path.of("/proc/" + pid + "/stat"));
        // the command name (field 2) is in parentheses and may hold blanks: count the fields after its closing one
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    static String memTotal() {
        for (String line : PipelineBenchmark.read(Path.of("/proc/meminfo")).split("\n")) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024 / 1024 + " GiB";
            }
        }
        return "unknown";
    }

    /** The largest heap occupancy a GC log shows (the figure before each collection), in MiB, or -1. */
    static long peakHeapMib(Path gcLog) {
        Matcher m = GC_LINE.matcher(PipelineBenchmark.read(gcLog));
        long peak = -1;
        while (m.find()) {
            peak = Math.max(peak, Long.parseLong(m.group(1)));
        }
        return peak;
    }
}
