package dev.camelbitrix24.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.camelbitrix24.app.EmbeddedKafkaBroker;
import dev.camelbitrix24.app.Pipeline;
import dev.camelbitrix24.app.PipelineTopics;
import dev.camelbitrix24.simulator.Bitrix24Simulator;
import dev.camelbitrix24.simulator.RatePlan;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The throughput benchmark of issue 5, on the embedded broker and the simulator:
 * <ol>
 * <li>{@code ceiling-standard}, {@code ceiling-enterprise}: the pipeline against a rate-limited simulator, sustained
 * deletes per second after the initial burst as a share of the plan's ceiling, and what was refused;</li>
 * <li>{@code throughput}: limits off, deletes per second for a naive one-call-per-record route, this pipeline (in a
 * child JVM, whose peak heap and resident memory are measured) and a hand-written batch loop;</li>
 * <li>{@code latency}: limits off, request to outcome at a steady 100 requests per second;</li>
 * <li>{@code operating-ceiling}: standard plan with the operating-time limit binding (scaled 1:5 from the cloud's,
 * 120 ms charged per delete), sustained deletes per second over three windows after a learning one as a share of
 * that ceiling, and the 429 refusals of each window;</li>
 * <li>{@code drain-standard}: standard plan, the time from a fresh start to drain a backlog, for this pipeline and
 * for the official JS SDK's {@code batchByChunk} (installed with npm into target/, run by node), against the plan's
 * schedule;</li>
 * <li>{@code drain-two-instances}: the same backlog drained by two instances of one consumer group, which split the
 * plan by the partitions each owns, against the same schedule.</li>
 * </ol>
 * System properties: {@code benchmark.quick=true} (short runs), {@code benchmark.phases} (comma-separated, default
 * all), {@code benchmark.seconds} (measured seconds of each ceiling phase), {@code benchmark.warmup} and
 * {@code benchmark.count} (the throughput phase's warm-up and measured backlogs), {@code benchmark.output} (JSON file).
 */
public final class PipelineBenchmark {

    static final boolean QUICK = Boolean.getBoolean("benchmark.quick");
    static final Path OUTPUT = Path.of(System.getProperty("benchmark.output", "target/benchmark.json"));

    private PipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String phasesText = System.getProperty("benchmark.phases", "");
        Set<String> phases = phasesText.isBlank()
                ? Set.of("ceiling-standard", "ceiling-enterprise", "throughput", "latency", "operating-ceiling",
                         "drain-standard", "drain-two-instances")
                : Set.of(phasesText.split("\\s*,\\s*"));
        int seconds = Integer.getInteger("benchmark.seconds", QUICK ? 30 : 180);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("started", Instant.now().toString());
        report.put("mode", QUICK ? "quick" : "full");
        report.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(), "java",
                System.getProperty("java.version"), "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                "memTotal", BenchmarkMemory.memTotal()));
        List<String[]> table = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().temporaryDataDir().start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            BenchmarkKafka kafka = new BenchmarkKafka(broker.bootstrapServers(), admin);
            if (phases.contains("ceiling-standard")) {
                report.put("ceilingStandard", ceiling(kafka, "standard", RatePlan.STANDARD, 100, seconds, table));
            }
            if (phases.contains("ceiling-enterprise")) {
                report.put("ceilingEnterprise", ceiling(kafka, "enterprise", RatePlan.ENTERPRISE, 250, seconds, table));
            }
            if (phases.contains("throughput")) {
                report.put("throughput", Throughput.run(kafka, table));
            }
            if (phases.contains("latency")) {
                report.put("latency", Latency.run(kafka, table));
            }
            if (phases.contains("operating-ceiling")) {
                report.put("operatingCeiling", OperatingCeiling.run(kafka, table));
            }
            if (phases.contains("drain-standard")) {
                report.put("drainStandard", DrainSchedule.run(kafka, table));
            }
            if (phases.contains("drain-two-instances")) {
                report.put("drainTwoInstances", DrainSchedule.runTwoInstances(kafka, table));
            }
        }
        report.put("finished", Instant.now().toString());
        print(table);
        Files.createDirectories(OUTPUT.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(OUTPUT.toFile(), report);
        System.out.println("JSON: " + OUTPUT.toAbsolutePath());
        System.exit(0);
    }

    /** Phase 1: the pipeline against a rate-limited portal, with a backlog that outlasts the run. */
    private static Map<String, Object> ceiling(BenchmarkKafka kafka, String plan, RatePlan limits, int ceiling, int seconds,
                                               List<String[]> table) throws Exception {
        // the initial burst (the plan's bucket of batches of 50) must be spent before the window opens: about 25 s
        // for enterprise's 12,400 deletes at the 500 to 700 deletes/s this pipeline reaches on the 2-core machine
        int warmup = limits.burst() > 100 ? 45 : 20;
        int requests = ceiling * (warmup + seconds) + limits.burst() * 50 + 5_000;
        log("ceiling " + plan + ": " + requests + " requests, " + warmup + " s of burst and warm-up, then " + seconds
            + " s measured");
        try (Bitrix24Simulator sim = simulator(limits, requests)) {
            PipelineTopics topics = kafka.newTopics("ceiling-" + plan);
            kafka.produceIds(topics.requests(), 1, requests);
            Map<String, String> settings = pipelineSettings(kafka, topics, sim.webhookUrl(), plan);
            long start;
            try (Pipeline pipeline = Pipeline.start(settings)) {
                start = System.currentTimeMillis();
                Thread.sleep((warmup + seconds) * 1000L);
            }
            long from = start + warmup * 1000L;
            long to = from + seconds * 1000L;
            List<Long> succeeded = kafka.timestamps(topics.succeeded());
            long inWindow = succeeded.stream().filter(t -> t >= from && t < to).count();
            double perSecond = inWindow / (double) seconds;
            long deadLettered = kafka.count(topics.deadLetter());
            long rejected = kafka.count(topics.rejected()) + kafka.count(topics.notFound()) + kafka.count(topics.invalid());
            long refused503 = sim.control().rateLimitRejections();
            long refused429 = sim.control().operatingLimitRejections();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("plan", plan);
            r.put("ceilingPerSecond", ceiling);
            r.put("measuredSeconds", seconds);
            r.put("warmupSeconds", warmup);
            r.put("deletesPerSecond", round(perSecond));
            r.put("ratioOfCeiling", round(perSecond / ceiling));
            r.put("deletedTotal", succeeded.size());
            r.put("refused503", refused503);
            r.put("refused429", refused429);
            r.put("deadLettered", deadLettered);
            r.put("otherOutcomes", rejected);
            r.put("maxRequestsInOneSecond", sim.control().maxRequestRate());
            table.add(new String[] {"1 " + plan + " plan, sustained (" + seconds + " s after " + warmup + " s)",
                round(perSecond) + " deletes/s = " + round(perSecond / ceiling) + " of " + ceiling + "/s",
                "refused " + (refused503 + refused429) + " (503: " + refused503 + ", 429: " + refused429 + "), dead-lettered "
                + deadLettered, ">= 0.95, 0 refused"});
            return r;
        }
    }

    static Bitrix24Simulator simulator(RatePlan plan, int seed) {
        return Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).webhookCode("benchmark").seed(seed).ratePlan(plan)
                .randomSeed(42L).start();
    }

    /** The settings of an in-process pipeline instance on these topics. */
    static Map<String, String> pipelineSettings(BenchmarkKafka kafka, PipelineTopics topics, String webhookUrl,
                                                String ratePlan) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("camel.main.name", "benchmark-" + topics.requests());
        o.put("camel.management.enabled", "false");
        o.put("bitrix24.kafka.bootstrap-servers", kafka.bootstrapServers());
        o.put("bitrix24.topic.requests", topics.requests());
        o.put("bitrix24.topic.succeeded", topics.succeeded());
        o.put("bitrix24.topic.not-found", topics.notFound());
        o.put("bitrix24.topic.rejected", topics.rejected());
        o.put("bitrix24.topic.invalid", topics.invalid());
        o.put("bitrix24.topic.dead-letter", topics.deadLetter());
        o.put("bitrix24.consumer.group-id", "group-" + topics.requests());
        o.put("bitrix24.webhook-url", webhookUrl);
        o.put("camel.component.bitrix24.rate-plan", ratePlan);
        return o;
    }

    static void log(String line) {
        System.out.println("[benchmark " + Instant.now() + "] " + line);
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static void print(List<String[]> rows) {
        String[] header = {"figure", "measured", "notes", "target"};
        int[] width = new int[header.length];
        List<String[]> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (String[] row : all) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder(System.lineSeparator());
        Consumer<String[]> line = row -> {
            out.append('|');
            for (int i = 0; i < row.length; i++) {
                out.append(' ').append(String.format("%-" + width[i] + "s", row[i])).append(" |");
            }
            out.append(System.lineSeparator());
        };
        line.accept(header);
        String[] rule = new String[header.length];
        for (int i = 0; i < rule.length; i++) {
            rule[i] = "-".repeat(width[i]);
        }
        line.accept(rule);
        rows.forEach(line);
        System.out.print(out);
    }

    static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
