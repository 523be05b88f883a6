package dev.camelbitrix24.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.camelbitrix24.app.Pipeline;
import dev.camelbitrix24.app.PipelineTopics;
import dev.camelbitrix24.simulator.Bitrix24Simulator;
import dev.camelbitrix24.simulator.OperatingTimeLimit;
import dev.camelbitrix24.simulator.RatePlan;

/**
 * Phase 5, the operating-time limit binds (standard plan, the cloud's limit scaled 1:5, 100 to 140 ms charged per delete):
 * sustained deletes per second over the measured windows as a share of limit / processing time / window, and the 429
 * refusals of each window. The pipeline's own operating-time setting stays at its default: it must learn the limit.
 */
final class OperatingCeiling {

    private static final int MEASURED_WINDOWS = 3;

    private OperatingCeiling() {
    }

    static Map<String, Object> run(BenchmarkKafka kafka, List<String[]> table) throws Exception {
        // full: 96 s over 10 x 12 s (the cloud's 480 s over 10 x 60 s, scaled 1:5); quick: a further 1:4, same ceiling
        OperatingTimeLimit limit = OperatingTimeLimit.DEFAULT
                .withLimit(Duration.ofSeconds(PipelineBenchmark.QUICK ? 24 : 96))
                .withBucketLength(Duration.ofSeconds(PipelineBenchmark.QUICK ? 3 : 12))
                // a seeded draw per delete, 100 to 140 ms (all counted: the server ignores calls under 100 ms), so the
                // component must estimate a cost that varies
                .withProcessingTime(Duration.ofMillis(100), Duration.ofMillis(140));
        long windowMillis = limit.window().toMillis();
        long bucketMillis = limit.bucketLength().toMillis();
        double meanMillis = (limit.processingTime().min().toMillis() + limit.processingTime().max().toMillis()) / 2.0;
        double ceiling = limit.limit().toMillis() / meanMillis
                         / (windowMillis / 1000.0);
        int windows = 1 + MEASURED_WINDOWS;
        // more than even the request-rate limit lets through in the whole run (burst, then 100 deletes/s), so that
        // the backlog cannot run dry however many requests are dead-lettered instead of deleted
        int requests = RatePlan.STANDARD.burst() * 50
                       + (int) (RatePlan.STANDARD.perSecond() * 50 * windows * windowMillis / 1000) + 5_000;
        PipelineBenchmark.log("5 operating ceiling: limit " + limit.limit().toSeconds() + " s over 10 x "
                              + limit.bucketLength().toSeconds() + " s, " + limit.processingTime().min().toMillis()
                              + "-" + limit.processingTime().max().toMillis() + " ms per delete (ceiling " + PipelineBenchmark.round(ceiling) + "/s); " + requests
                              + " requests; 1 learning window + " + MEASURED_WINDOWS + " measured");
        Map<String, Object> r = new LinkedHashMap<>();
        try (Bitrix24Simulator sim = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).webhookCode("benchmark")
                .seed(requests).ratePlan(RatePlan.STANDARD).randomSeed(42L).operatingTimeLimit(limit).start()) {
            PipelineTopics topics = kafka.newTopics("operating");
            kafka.produceIds(topics.requests(), 1, requests);
            long[] refused429 = new long[windows + 1];
            long[] refused503 = new long[windows + 1];
            long windowOne;
            try (FirstBatchCall firstBatch = FirstBatchCall.watch(sim);
                 Pipeline ignored = Pipeline.start(PipelineBenchmark.pipelineSettings(kafka, topics, sim.webhookUrl(), "standard"))) {
                long first = firstBatch.await(Duration.ofSeconds(120));
                if (first < 0) {
                    throw new IllegalStateException("operating ceiling: the pipeline made no batch call within 120 s");
                }
                // the simulator's buckets are aligned to multiples of their length: the first window is the ten
                // buckets from the one the first deletes were charged to, so each window is exactly the simulator's
                windowOne = first / bucketMillis * bucketMillis;
                for (int k = 1; k <= windows; k++) {
                    sleepUntil(windowOne + k * windowMillis);
                    refused429[k] = sim.control().operatingLimitRejections();
                    refused503[k] = sim.control().rateLimitRejections();
                    PipelineBenchmark.log("5 window " + k + " of " + windows + " ended: 429 so far " + refused429[k]
                                          + ", 503 so far " + refused503[k]);
                }
            }
            long from = windowOne + windowMillis;
            long to = windowOne + windows * windowMillis;
            List<Long> succeeded = kafka.timestamps(topics.succeeded());
            long measured = succeeded.stream().filter(t -> t >= from && t < to).count();
            long learning = succeeded.stream().filter(t -> t >= windowOne && t < from).count();
            double measuredSeconds = MEASURED_WINDOWS * windowMillis / 1000.0;
            double perSecond = measured / measuredSeconds;
            List<Long> perWindow429 = new ArrayList<>();
            List<Long> perWindow503 = new ArrayList<>();
            for (int k = 1; k <= windows; k++) {
                perWindow429.add(refused429[k] - refused429[k - 1]);
                perWindow503.add(refused503[k] - refused503[k - 1]);
            }
            long measuredWindowsWith429 = perWindow429.subList(1, windows).stream().filter(n -> n > 0).count();
            long deadLettered = kafka.count(topics.deadLetter());
            long other = kafka.count(topics.rejected()) + kafka.count(topics.notFound()) + kafka.count(topics.invalid());
            r.put("limitSeconds", limit.limit().toSeconds());
            r.put("bucketSeconds", limit.bucketLength().toSeconds());
            r.put("windowSeconds", windowMillis / 1000);
            r.put("processingMillisPerDelete", limit.processingTime().min().toMillis() + "-"
                                               + limit.processingTime().max().toMillis());
            r.put("ceilingPerSecond", PipelineBenchmark.round(ceiling));
            r.put("requests", requests);
            r.put("measuredWindows", MEASURED_WINDOWS);
            r.put("deletesPerSecond", PipelineBenchmark.round(perSecond));
            r.put("ratioOfCeiling", PipelineBenchmark.round(perSecond / ceiling));
            r.put("learningWindowDeletesPerSecond", PipelineBenchmark.round(learning / (windowMillis / 1000.0)));
            r.put("refused429PerWindow", perWindow429);
            r.put("measuredWindowsWith429", measuredWindowsWith429);
            r.put("refused503PerWindow", perWindow503);
            r.put("refused429", refused429[windows]);
            r.put("refused503", refused503[windows]);
            // the whole run's counts, including what the pipeline wrote while it shut down after the last window
            r.put("succeededTotal", succeeded.size());
            r.put("deadLettered", deadLettered);
            r.put("otherOutcomes", other);
            r.put("deletedOnPortal", requests - sim.control().activityCount());
            table.add(new String[] {"5 operating-time ceiling (standard plan, " + limit.limit().toSeconds() + " s per "
                + windowMillis / 1000 + " s window, " + limit.processingTime().min().toMillis() + "-"
                + limit.processingTime().max().toMillis() + " ms per delete; "
                + MEASURED_WINDOWS + " windows after 1)",
                PipelineBenchmark.round(perSecond) + " deletes/s = " + PipelineBenchmark.round(perSecond / ceiling) + " of "
                + PipelineBenchmark.round(ceiling) + "/s",
                "429 refused per window " + perWindow429 + " (measured windows with any: " + measuredWindowsWith429 + " of "
                + MEASURED_WINDOWS + "); 503: " + refused503[windows] + "; dead-lettered " + deadLettered + "; other outcomes "
                + other + "; learning window " + r.get("learningWindowDeletesPerSecond") + "/s",
                ">= 0.95, 0 dead-lettered, <= one 429 event per window"});
        }
        return r;
    }

    private static void sleepUntil(long epochMillis) {
        long wait = epochMillis - System.currentTimeMillis();
        if (wait > 0) {
            PipelineBenchmark.sleep(Duration.ofMillis(wait));
        }
    }
}
