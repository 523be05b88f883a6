package dev.camelbitrix24.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.app.Pipeline;
import dev.camelbitrix24.app.PipelineTopics;
import dev.camelbitrix24.app.PlanShare;
import dev.camelbitrix24.simulator.Bitrix24Simulator;
import dev.camelbitrix24.simulator.RatePlan;

/**
 * Phase 6, standard plan: the time to delete a backlog of N existing activities from a fresh start, (a) by this
 * pipeline and (c) by the official JS SDK's bulk call ({@code @bitrix24/b24jssdk} 2.2.0, {@code batchByChunk}, in
 * node), each against (b) the plan's schedule: the burst of 50 batch requests carries 2,500 deletes, then 2 batch
 * requests of 50 per second. Each run has a fresh simulator; its clock starts at the simulator's first batch call.
 */
final class DrainSchedule {

    static final String SDK_VERSION = "2.2.0";
    private static final Path SDK_PREFIX = Path.of("target", "b24jssdk-bench");
    private static final Path SDK_DIR = SDK_PREFIX.resolve(Path.of("node_modules", "@bitrix24", "b24jssdk"));
    private static final Path SCRIPT = Path.of("src", "test", "node", "sdk-drain.mjs");
    private static final ObjectMapper JSON = new ObjectMapper();

    private DrainSchedule() {
    }

    /** The backlog of phases 6 and 7. */
    private static final int COUNT = PipelineBenchmark.QUICK ? 6_000 : 20_000;
    private static final int BURST_DELETES = RatePlan.STANDARD.burst() * 50;
    private static final double PER_SECOND = RatePlan.STANDARD.perSecond() * 50;

    /** What the plan allows for a backlog: the burst at once, then its drain rate. */
    private static double schedule(int count) {
        return (count - BURST_DELETES) / PER_SECOND;
    }

    /** A run that has not finished by then is reported as it stands. */
    private static Duration atMost(double schedule) {
        return Duration.ofSeconds((long) (2 * schedule) + 120);
    }

    static Map<String, Object> run(BenchmarkKafka kafka, List<String[]> table) throws Exception {
        int count = COUNT;
        int burstDeletes = BURST_DELETES;
        double perSecond = PER_SECOND;
        double schedule = schedule(count);
        Duration atMost = atMost(schedule);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("requests", count);
        r.put("scheduleSeconds", PipelineBenchmark.round(schedule));
        Map<String, Object> pipeline = pipeline(kafka, count, schedule, atMost, 1);
        r.put("pipeline", pipeline);
        Map<String, Object> sdk = sdk(count, schedule, atMost);
        r.put("sdk", sdk);
        String plan = "standard plan, " + count + " deletes from a fresh start; schedule " + PipelineBenchmark.round(schedule)
                      + " s = (" + count + " - " + burstDeletes + ") / " + (int) perSecond + "/s";
        table.add(new String[] {"6a drain, this pipeline (" + plan + ")", figure(pipeline),
            notes(pipeline) + ", outcomes: " + pipeline.get("succeeded") + " succeeded, " + pipeline.get("otherOutcomes")
            + " other", ">= 0.98 of schedule, all succeeded"});
        table.add(new String[] {"6c drain, JS SDK " + SDK_VERSION + " batchByChunk (same plan, fresh simulator)", figure(sdk),
            sdk.containsKey("unavailable") ? String.valueOf(sdk.get("unavailable")) : notes(sdk) + ", SDK reported "
            + sdk.get("sdkSucceeded") + " succeeded, " + sdk.get("sdkFailed") + " failed", ""});
        if (pipeline.get("seconds") instanceof Double p && sdk.get("seconds") instanceof Double s && p > 0) {
            r.put("sdkSecondsOverPipelineSeconds", PipelineBenchmark.round(s / p));
            table.add(new String[] {"6 pipeline vs SDK", "SDK time / pipeline time = " + PipelineBenchmark.round(s / p),
                "above 1: the pipeline drained sooner", "> 1"});
        } else {
            r.put("sdkSecondsOverPipelineSeconds", null);
            table.add(new String[] {"6 pipeline vs SDK", "not measured", sdk.containsKey("unavailable")
                ? "the SDK was not measured" : "one of the runs has no time", "> 1"});
        }
        return r;
    }

    /**
     * Phase 7, standard plan: two instances of one consumer group drain a backlog together, each at the share of the
     * plan its partitions are of the topic's, against the same schedule. Both have their partitions before the backlog
     * arrives; the clock starts at the simulator's first batch call.
     */
    static Map<String, Object> runTwoInstances(BenchmarkKafka kafka, List<String[]> table) throws Exception {
        int count = COUNT;
        double schedule = schedule(count);
        Duration atMost = atMost(schedule);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("requests", count);
        r.put("instances", 2);
        r.put("scheduleSeconds", PipelineBenchmark.round(schedule));
        Map<String, Object> run = pipeline(kafka, count, schedule, atMost, 2);
        r.putAll(run);
        table.add(new String[] {"7 drain, two instances of one group (standard plan, " + count + " deletes; schedule "
            + PipelineBenchmark.round(schedule) + " s)", figure(run), notes(run) + ", shares " + run.get("shares")
            + ", outcomes: " + run.get("succeeded") + " succeeded, " + run.get("otherOutcomes") + " other",
            ">= 0.85 of schedule, <= 5 refused"});
        return r;
    }

    /**
     * (a): N requests on the topic, then the pipeline; t1 is the last outcome record's timestamp. With more than one
     * instance, they all start and own their partitions first, and the requests come after.
     */
    private static Map<String, Object> pipeline(BenchmarkKafka kafka, int count, double schedule, Duration atMost,
                                                int instances) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        try (Bitrix24Simulator sim = PipelineBenchmark.simulator(RatePlan.STANDARD, count)) {
            PipelineTopics topics = kafka.newTopics("drain");
            if (instances == 1) {
                kafka.produceIds(topics.requests(), 1, count);
            }
            PipelineBenchmark.log((instances == 1 ? "6a" : "7") + " drain, pipeline: " + count + " requests, standard plan, "
                                  + instances + " instance(s)");
            long first;
            long outcomes;
            List<Pipeline> started = new ArrayList<>();
            try (FirstBatchCall firstBatch = FirstBatchCall.watch(sim)) {
                Map<String, String> settings = PipelineBenchmark.pipelineSettings(kafka, topics, sim.webhookUrl(), "standard");
                for (int i = 0; i < instances; i++) {
                    settings.put("camel.main.name", "benchmark-" + i + "-" + topics.requests());
                    started.add(Pipeline.start(settings));
                }
                if (instances > 1) {
                    awaitShares(started);
                    kafka.produceIds(topics.requests(), 1, count);
                }
                outcomes = kafka.awaitOutcomes(topics, count, atMost);
                first = firstBatch.atMillis();
                if (instances > 1) {
                    r.put("shares", started.stream().map(p -> PipelineBenchmark.round(share(p))).toList());
                }
            } finally {
                started.forEach(Pipeline::close);
            }
            List<Long> succeeded = kafka.timestamps(topics.succeeded());
            long last = succeeded.stream().mapToLong(Long::longValue).max().orElse(-1);
            long other = outcomes(kafka, topics) - succeeded.size();
            r.put("finished", outcomes >= count);
            r.put("succeeded", succeeded.size());
            r.put("otherOutcomes", other);
            r.put("deadLettered", kafka.count(topics.deadLetter()));
            times(r, first, last, schedule, outcomes >= count && other == 0);
            r.put("refused503", sim.control().rateLimitRejections());
            r.put("refused429", sim.control().operatingLimitRejections());
            r.put("deleted", count - sim.control().activityCount());
            r.put("batchCalls", sim.control().callCount("batch"));
            r.put("callsPerMethod", sim.control().callCounts());
        }
        return r;
    }

    /** (c): the node script on a fresh simulator over HTTPS; t1 is when the script's last reply arrived. */
    private static Map<String, Object> sdk(int count, double schedule, Duration atMost) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("package", "@bitrix24/b24jssdk@" + SDK_VERSION);
        r.put("call", "B24Hook.fromWebhookUrl(...).actions.v2.batchByChunk.make({calls, options: {isHaltOnError: false}})");
        String missing = installSdk();
        if (missing != null) {
            PipelineBenchmark.log("6c drain, SDK: not measured: " + missing);
            r.put("unavailable", missing);
            r.put("seconds", null);
            return r;
        }
        try (Bitrix24Simulator sim = Bitrix24Simulator.builder().httpPort(0).httpsPort(0).webhookCode("benchmark")
                .seed(count).ratePlan(RatePlan.STANDARD).randomSeed(42L).start()) {
            PipelineBenchmark.log("6c drain, JS SDK " + SDK_VERSION + ": " + count + " deletes, standard plan");
            Path log = Path.of("target", "benchmark-sdk-drain.log");
            ProcessBuilder pb = new ProcessBuilder("node", SCRIPT.toString(), SDK_DIR.toAbsolutePath().toString(),
                    sim.httpsBaseUrl() + "/rest/1/benchmark/", String.valueOf(count));
            // the simulator's certificate is self-signed, and b24jssdk speaks only https
            pb.environment().put("NODE_TLS_REJECT_UNAUTHORIZED", "0");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            JsonNode summary;
            long first;
            try (FirstBatchCall firstBatch = FirstBatchCall.watch(sim)) {
                Process node;
                try {
                    node = pb.start();
                } catch (IOException e) {
                    r.put("unavailable", "node could not be started: " + e.getMessage());
                    r.put("seconds", null);
                    return r;
                }
                if (!node.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                    node.destroyForcibly().waitFor();
                    r.put("timedOutAfterSeconds", atMost.toSeconds());
                }
                first = firstBatch.atMillis();
                summary = lastJsonLine(log);
                r.put("exitCode", node.isAlive() ? null : node.exitValue());
            }
            if (summary == null) {
                r.put("unavailable", "the SDK script printed no result; see " + log);
                r.put("seconds", null);
            } else {
                long failed = summary.path("failed").asLong();
                r.put("sdkSucceeded", summary.path("succeeded").asLong());
                r.put("sdkFailed", failed);
                r.put("sdkErrors", summary.path("errors"));
                times(r, first, summary.path("finished").asLong(-1), schedule, failed == 0);
            }
            r.put("refused503", sim.control().rateLimitRejections());
            r.put("refused429", sim.control().operatingLimitRejections());
            r.put("deleted", count - sim.control().activityCount());
            r.put("batchCalls", sim.control().callCount("batch"));
            r.put("callsPerMethod", sim.control().callCounts());
        }
        return r;
    }

    private static double share(Pipeline pipeline) {
        return pipeline.camelContext().getRegistry().findSingleByType(PlanShare.class).current();
    }

    /** Until every instance owns partitions and their shares add up to the whole plan. */
    private static void awaitShares(List<Pipeline> instances) throws InterruptedException {
        long until = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < until) {
            double sum = 0;
            boolean all = true;
            for (Pipeline p : instances) {
                double s = share(p);
                all &= s > 0;
                sum += s;
            }
            if (all && Math.abs(sum - 1) < 1e-9) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the instances did not split the partitions within 60 s");
    }

    private static void times(Map<String, Object> r, long first, long last, double schedule, boolean complete) {
        r.put("firstBatchCallMillis", first);
        r.put("lastReplyMillis", last);
        if (first < 0 || last < first) {
            r.put("seconds", null);
            r.put("scheduleOverSeconds", null);
            return;
        }
        double seconds = (last - first) / 1000.0;
        r.put("seconds", PipelineBenchmark.round(seconds));
        r.put("scheduleOverSeconds", PipelineBenchmark.round(schedule / seconds));
        r.put("complete", complete);
    }

    private static String figure(Map<String, Object> run) {
        if (run.containsKey("unavailable")) {
            return "NOT MEASURED";
        }
        if (run.get("seconds") == null) {
            return "no time (no batch call or no outcome)";
        }
        return run.get("seconds") + " s = " + run.get("scheduleOverSeconds") + " of schedule"
               + (Boolean.TRUE.equals(run.get("complete")) ? "" : " (INCOMPLETE)");
    }

    private static String notes(Map<String, Object> run) {
        return "503: " + run.get("refused503") + ", deleted " + run.get("deleted") + " (simulator's count), "
               + run.get("batchCalls") + " batch calls";
    }

    private static long outcomes(BenchmarkKafka kafka, PipelineTopics topics) {
        return topics.outcomeTopics().stream().mapToLong(kafka::count).sum();
    }

    /**
     * Installs the SDK into target/ with npm unless that version is there already; returns why it is not usable, or
     * null.
     */
    private static String installSdk() {
        if (SDK_VERSION.equals(installedVersion())) {
            return null;
        }
        Path log = Path.of("target", "benchmark-sdk-install.log");
        PipelineBenchmark.log("6c: npm install --prefix " + SDK_PREFIX + " @bitrix24/b24jssdk@" + SDK_VERSION);
        try {
            Files.createDirectories(SDK_PREFIX);
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", SDK_PREFIX.toString(),
                    "@bitrix24/b24jssdk@" + SDK_VERSION).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!npm.waitFor(5, TimeUnit.MINUTES)) {
                npm.destroyForcibly().waitFor();
                return "npm install of @bitrix24/b24jssdk@" + SDK_VERSION + " took over 5 minutes; see " + log;
            }
            if (npm.exitValue() != 0) {
                return "npm install of @bitrix24/b24jssdk@" + SDK_VERSION + " failed (exit " + npm.exitValue() + "); see " + log;
            }
        } catch (IOException e) {
            return "npm could not be started: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while installing the SDK";
        }
        String version = installedVersion();
        return SDK_VERSION.equals(version) ? null
                : "after npm install, " + SDK_DIR + " holds version " + version + ", not " + SDK_VERSION;
    }

    private static String installedVersion() {
        try {
            return JSON.readTree(SDK_DIR.resolve("package.json").toFile()).path("version").asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** The script's summary: the last line of its output that parses as a JSON object, or null. */
    private static JsonNode lastJsonLine(Path log) {
        List<String> lines = new ArrayList<>(List.of(PipelineBenchmark.read(log).split("\n")));
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i).trim();
            if (line.startsWith("{")) {
                try {
                    return JSON.readTree(line);
                } catch (IOException ignored) {
                    // not the summary: keep looking
                }
            }
        }
        return null;
    }
}
