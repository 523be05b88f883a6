package dev.camelbitrix24.benchmark;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelbitrix24.app.PipelineTopics;
import dev.camelbitrix24.simulator.Bitrix24Simulator;
import dev.camelbitrix24.simulator.RatePlan;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Phase 2, limits off: a backlog of requests drained by (a) a naive Camel route, one HTTP call per record and a
 * commit after each outcome, (b) this pipeline, in a child JVM of its own so that its memory can be measured, and
 * (c) a hand-written loop (poll, batch calls of 50 in parallel, produce the outcomes, commit). Deletes per second are
 * counted from the first outcome's timestamp to the last one's, so start-up and the group join are left out.
 */
final class Throughput {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Throughput() {
    }

    static Map<String, Object> run(BenchmarkKafka kafka, List<String[]> table) throws Exception {
        int naiveCount = PipelineBenchmark.QUICK ? 1_000 : 2_000;
        // Under full load on two cores a fresh JVM compiles for about a minute: (b)'s rate climbs through its first
        // 500,000 or so requests (ratesThroughTheRun in the JSON shows the climb), so each of (b), (c) and (c') drains a
        // warm-up backlog of this size before the measured one
        int count = Integer.getInteger("benchmark.count", PipelineBenchmark.QUICK ? 10_000 : 150_000);
        int warmUp = Integer.getInteger("benchmark.warmup", PipelineBenchmark.QUICK ? 10_000 : 750_000);
        Map<String, Object> r = new LinkedHashMap<>();
        try (Bitrix24Simulator sim = PipelineBenchmark.simulator(RatePlan.OFF, naiveCount + 3 * (warmUp + count) + 10)) {
            double naive = naive(kafka, sim, naiveCount);
            Map<String, Object> pipeline = pipelineChild(kafka, sim, naiveCount + 1, warmUp, count);
            // the loops run in this JVM, where the broker and the simulator are warm by now, but their own code is not:
            // a warm-up backlog of the same size as 2b's comes first for each (its figures are not kept)
            long firstId = naiveCount + warmUp + count + 1;
            handLoop(kafka, sim, firstId, warmUp, true);
            LoopRun handRun = handLoop(kafka, sim, firstId + warmUp, count, true);
            handLoop(kafka, sim, firstId + warmUp + count, warmUp, false);
            LoopRun bareRun = handLoop(kafka, sim, firstId + 2 * warmUp + count, count, false);
            double hand = handRun.deletesPerSecond();
            double bare = bareRun.deletesPerSecond();
            double piped = (double) pipeline.get("deletesPerSecond");
            r.put("naiveRoute", Map.of("requests", naiveCount, "deletesPerSecond", PipelineBenchmark.round(naive)));
            r.put("pipeline", pipeline);
            r.put("handWrittenLoop", Map.of("requests", count, "deletesPerSecond", PipelineBenchmark.round(hand),
                    "cpuMicrosPerRequest", PipelineBenchmark.round(handRun.cpuMicrosPerRequest())));
            r.put("bareHandWrittenLoop", Map.of("requests", count, "deletesPerSecond", PipelineBenchmark.round(bare),
                    "cpuMicrosPerRequest", PipelineBenchmark.round(bareRun.cpuMicrosPerRequest())));
            r.put("pipelineOverNaive", PipelineBenchmark.round(piped / naive));
            r.put("pipelineOverHandLoop", PipelineBenchmark.round(piped / hand));
            r.put("pipelineOverBareHandLoop", PipelineBenchmark.round(piped / bare));
            table.add(new String[] {"2a naive route (1 call/record)", PipelineBenchmark.round(naive) + " deletes/s",
                naiveCount + " requests", ""});
            table.add(new String[] {"2b this pipeline", PipelineBenchmark.round(piped) + " deletes/s",
                count + " requests after " + warmUp + " of warm-up (which ran at " + pipeline.get("warmUpDeletesPerSecond")
                + "/s; by ninths of the whole run " + pipeline.get("ratesThroughTheRun") + "); " + PipelineBenchmark.round(piped / naive) + "x naive, "
                + PipelineBenchmark.round(piped / hand) + " of hand loop (c), " + PipelineBenchmark.round(piped / bare)
                + " of bare loop (c')", ">= 10x (a), >= 0.8 (c)"});
            table.add(new String[] {"2c hand-written loop", PipelineBenchmark.round(hand) + " deletes/s", count
                + " requests after " + warmUp + " of warm-up; writes the CONTRACT's outcome records (request key and headers, bitrix24.* headers, JSON value)",
                ""});
            table.add(new String[] {"2c' bare hand-written loop", PipelineBenchmark.round(bare) + " deletes/s", count
                + " requests after " + warmUp + " of warm-up; writes a constant value without headers (not the CONTRACT's record)", ""});
            table.add(new String[] {"2 CPU per request", "2b: pipeline " + pipeline.get("pipelineCpuMicrosPerRequest")
                + " us + broker and simulator " + pipeline.get("brokerAndSimulatorCpuMicrosPerRequest") + " us ("
                + pipeline.get("deletesPerBatchCall") + " deletes per batch call); 2c: "
                + PipelineBenchmark.round(handRun.cpuMicrosPerRequest()) + " us in all; 2c': "
                + PipelineBenchmark.round(bareRun.cpuMicrosPerRequest()) + " us in all",
                "user + system time of each JVM during the measured backlog", ""});
            table.add(new String[] {"4 pipeline memory during 2b", "heap peak " + pipeline.get("peakHeapMiB") + " MiB, "
                + "VmHWM " + pipeline.get("vmHwmMiB") + " MiB", "child JVM, -Xmx" + pipeline.get("xmx"), ""});
        }
        return r;
    }

    /** (a): one Camel route, one record at a time: consume, delete (no batching, no pacing), produce, commit. */
    private static double naive(BenchmarkKafka kafka, Bitrix24Simulator sim, int count) throws Exception {
        PipelineTopics topics = kafka.newTopics("naive");
        kafka.produceIds(topics.requests(), 1, count);
        PipelineBenchmark.log("2a naive route: " + count + " requests");
        try (CamelContext camel = new DefaultCamelContext()) {
            String brokers = kafka.bootstrapServers();
            String serde = "&keySerializer=org.apache.kafka.common.serialization.ByteArraySerializer"
                           + "&valueSerializer=org.apache.kafka.common.serialization.ByteArraySerializer";
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("kafka:" + topics.requests() + "?brokers=" + brokers + "&groupId=naive&autoOffsetReset=earliest"
                         + "&autoCommitEnable=false&allowManualCommit=true&pollTimeoutMs=200"
                         + "&valueDeserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer"
                         + "&keyDeserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer")
                            .process(e -> e.getMessage().setBody(JSON.readTree(e.getMessage().getBody(byte[].class)).get("id").asLong()))
                            .to("bitrix24:crm.activity.delete?webhookUrl=RAW(" + sim.webhookUrl() + ")&ratePlan=off")
                            .process(e -> e.getMessage().setBody(BenchmarkKafka.bytes("{\"outcome\":\"DELETED\"}")))
                            .to("kafka:" + topics.succeeded() + "?brokers=" + brokers + "&requestRequiredAcks=all&lingerMs=0" + serde)
                            .process(e -> e.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class).commit());
                }
            });
            camel.start();
            kafka.awaitCount(topics.succeeded(), count, Duration.ofMinutes(10));
        }
        return rate(kafka.timestamps(topics.succeeded()));
    }

    /**
     * (b): the pipeline as users run it (PipelineApplication), in a child JVM, with its GC log for the peak heap. A
     * fresh JVM under full load on two cores compiles for about a minute (its rate climbs through the first 500,000 or
     * so requests), while (a) and (c) run in the benchmark's JVM; so a first backlog warms the child up (its average
     * rate and the rate through the whole run are reported beside the measured figure). Both backlogs are on the topic
     * before the child starts.
     */
    private static Map<String, Object> pipelineChild(BenchmarkKafka kafka, Bitrix24Simulator sim, long firstId, int warmUp,
            int count) throws Exception {
        PipelineTopics topics = kafka.newTopics("pipeline");
        // both backlogs before the pipeline starts, as for (c): producing the measured one while the pipeline runs
        // would take CPU from it
        kafka.produceIds(topics.requests(), firstId, warmUp + count);
        PipelineBenchmark.log("2b pipeline (child JVM): " + warmUp + " requests to warm up, then " + count + " measured");
        Path gcLog = Files.createTempFile("benchmark-pipeline-gc", ".log");
        String xmx = "512m";
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + xmx, "-Xlog:gc:file=" + gcLog));
        // for profiling only (e.g. -XX:StartFlightRecording=...); empty by default, so the measured JVM is the plain one
        String extra = System.getProperty("benchmark.pipeline.jvmArgs", "");
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.camelbitrix24.app.PipelineApplication", "run"));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("BITRIX24_WEBHOOK_URL", sim.webhookUrl());
        env.put("BITRIX24_RATE_PLAN", "off");
        env.put("CAMEL_MANAGEMENT_ENABLED", "false");
        env.put("BITRIX24_TOPIC_REQUESTS", topics.requests());
        env.put("BITRIX24_TOPIC_SUCCEEDED", topics.succeeded());
        env.put("BITRIX24_TOPIC_NOT_FOUND", topics.notFound());
        env.put("BITRIX24_TOPIC_REJECTED", topics.rejected());
        env.put("BITRIX24_TOPIC_INVALID", topics.invalid());
        env.put("BITRIX24_TOPIC_DEAD_LETTER", topics.deadLetter());
        pb.redirectErrorStream(true).redirectOutput(Path.of("target", "benchmark-pipeline.log").toFile());
        Process child = pb.start();
        long vmHwmKib;
        double childCpuMicros;
        double ownCpuMicros;
        double deletesPerBatch;
        try {
            long warmed = kafka.awaitCount(topics.succeeded(), warmUp, Duration.ofMinutes(10));
            long batchCalls = sim.control().callCount("batch");
            long childCpu = BenchmarkMemory.cpuMillis(String.valueOf(child.pid()));
            long ownCpu = BenchmarkMemory.cpuMillis("self");
            long done = kafka.awaitCount(topics.succeeded(), warmUp + count, Duration.ofMinutes(10));
            // per request done between the two counts (the first is read within 250 ms of the warm-up's end)
            long between = Math.max(1, done - warmed);
            childCpuMicros = (BenchmarkMemory.cpuMillis(String.valueOf(child.pid())) - childCpu) * 1000.0 / between;
            ownCpuMicros = (BenchmarkMemory.cpuMillis("self") - ownCpu) * 1000.0 / between;
            deletesPerBatch = (double) between / Math.max(1, sim.control().callCount("batch") - batchCalls);
            vmHwmKib = BenchmarkMemory.statusKib(child.pid(), "VmHWM");
            if (done < warmUp + count) {
                PipelineBenchmark.log("2b: only " + done + " of " + (warmUp + count) + " outcomes; see target/benchmark-pipeline.log");
            }
        } finally {
            child.destroy();
            child.waitFor();
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("requests", count);
        r.put("warmUpRequests", warmUp);
        // the partitions move through the two backlogs at their own pace, so the warm-up's last outcomes and the
        // measured backlog's first ones overlap: the measured figure is the rate of the last `count` outcomes
        List<Long> all = new ArrayList<>(kafka.timestamps(topics.succeeded()));
        all.sort(null);
        List<Long> warming = all.subList(0, Math.min(warmUp, all.size()));
        r.put("deletesPerSecond", PipelineBenchmark.round(rate(all.subList(warming.size(), all.size()))));
        r.put("warmUpDeletesPerSecond", PipelineBenchmark.round(rate(warming)));
        // how the rate climbs while the JVM compiles, then holds: the outcomes in nine consecutive slices
        List<Double> slices = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            slices.add(PipelineBenchmark.round(rate(all.subList(i * all.size() / 9, (i + 1) * all.size() / 9))));
        }
        r.put("ratesThroughTheRun", slices);
        PipelineBenchmark.log("2b deletes/s through the run, by ninths of its " + all.size() + " outcomes: " + slices);
        // where the CPU went, per measured request: the pipeline's JVM, and this one (broker, simulator, the outcome
        // counter)
        r.put("pipelineCpuMicrosPerRequest", PipelineBenchmark.round(childCpuMicros));
        r.put("brokerAndSimulatorCpuMicrosPerRequest", PipelineBenchmark.round(ownCpuMicros));
        r.put("deletesPerBatchCall", PipelineBenchmark.round(deletesPerBatch));
        r.put("peakHeapMiB", BenchmarkMemory.peakHeapMib(gcLog));
        r.put("vmHwmMiB", vmHwmKib / 1024);
        r.put("xmx", xmx);
        r.put("deadLettered", kafka.count(topics.deadLetter()));
        Files.deleteIfExists(gcLog);
        return r;
    }

    /**
     * (c): the practical limit: poll, one batch call per 50 records (all of a poll at once), produce, flush, commit.
     * With {@code contractRecords} it writes the outcome records CONTRACT.md asks for, the pipeline's job; without
     * (c'), a constant value and no headers, which is less than the job but shows what the records themselves cost.
     */
    private static LoopRun handLoop(BenchmarkKafka kafka, Bitrix24Simulator sim, long firstId, int count,
            boolean contractRecords) throws Exception {
        PipelineTopics topics = kafka.newTopics(contractRecords ? "hand" : "bare");
        kafka.produceIds(topics.requests(), firstId, count);
        PipelineBenchmark.log("2c hand-written loop" + (contractRecords ? "" : ", bare records") + ": " + count + " requests");
        URI batch = URI.create(sim.webhookUrl() + "batch.json");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int done = 0;
        long ownCpu = BenchmarkMemory.cpuMillis("self");
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer("hand-" + topics.requests(), 500);
             KafkaProducer<byte[], byte[]> producer = kafka.producer(false)) {
            consumer.subscribe(List.of(topics.requests()));
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (done < count && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
                records.forEach(all::add);
                List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
                JsonNode[] requests = new JsonNode[all.size()];
                for (int from = 0; from < all.size(); from += 50) {
                    ObjectNode body = JSON.createObjectNode().put("halt", 0);
                    ObjectNode cmd = body.putObject("cmd");
                    for (int i = from; i < Math.min(all.size(), from + 50); i++) {
                        JsonNode request = JSON.readTree(all.get(i).value());
                        requests[i] = request;
                        cmd.put("d" + i, "crm.activity.delete?id=" + request.get("id").asLong());
                    }
                    calls.add(http.sendAsync(HttpRequest.newBuilder(batch).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                            HttpResponse.BodyHandlers.ofByteArray()).thenApply(resp -> {
                                try {
                                    return JSON.readTree(resp.body());
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            }));
                }
                Map<String, Boolean> ok = new HashMap<>();
                for (CompletableFuture<JsonNode> call : calls) {
                    call.join().path("result").path("result").fields()
                            .forEachRemaining(e -> ok.put(e.getKey(), e.getValue().asBoolean()));
                }
                for (int i = 0; i < all.size(); i++) {
                    String topic = ok.getOrDefault("d" + i, false) ? topics.succeeded() : topics.deadLetter();
                    producer.send(contractRecords ? contractRecord(topic, all.get(i), requests[i])
                            : new ProducerRecord<>(topic, all.get(i).key(), BenchmarkKafka.bytes("{\"outcome\":\"DELETED\"}")));
                }
                producer.flush();
                consumer.commitSync();
                done += all.size();
            }
        }
        double cpuMicros = (BenchmarkMemory.cpuMillis("self") - ownCpu) * 1000.0 / count;
        return new LoopRun(rate(kafka.timestamps(topics.succeeded())), cpuMicros);
    }

    /**
     * The outcome record CONTRACT.md asks for, as the pipeline writes it for a success: the request's key and headers
     * plus the bitrix24.* headers, and the JSON value with id, outcome, requestId and attempts.
     */
    private static ProducerRecord<byte[], byte[]> contractRecord(String topic, ConsumerRecord<byte[], byte[]> consumed,
            JsonNode request) throws Exception {
        RecordHeaders headers = new RecordHeaders(consumed.headers().toArray());
        headers.add("bitrix24.outcome", BenchmarkKafka.bytes("DELETED"));
        headers.add("bitrix24.http.status", BenchmarkKafka.bytes("200"));
        headers.add("bitrix24.attempts", BenchmarkKafka.bytes("1"));
        ObjectNode value = JSON.createObjectNode().put("id", request.get("id").asLong()).put("outcome", "DELETED");
        JsonNode requestId = request.get("requestId");
        if (requestId != null && requestId.isTextual()) {
            headers.add("bitrix24.request.id", BenchmarkKafka.bytes(requestId.textValue()));
            value.put("requestId", requestId.textValue());
        }
        value.put("attempts", 1).put("confirmedOnRetry", false);
        headers.add("bitrix24.original.topic", BenchmarkKafka.bytes(consumed.topic()));
        headers.add("bitrix24.original.partition", BenchmarkKafka.bytes(String.valueOf(consumed.partition())));
        headers.add("bitrix24.original.offset", BenchmarkKafka.bytes(String.valueOf(consumed.offset())));
        headers.add("bitrix24.original.timestamp", BenchmarkKafka.bytes(String.valueOf(consumed.timestamp())));
        return new ProducerRecord<>(topic, null, consumed.key(), JSON.writeValueAsBytes(value), headers);
    }

    /** A run of the hand loop: its rate, and the CPU this JVM (loop, broker, simulator) spent per request. */
    private record LoopRun(double deletesPerSecond, double cpuMicrosPerRequest) {
    }

    /** Outcomes per second between the first outcome and the last one. */
    static double rate(List<Long> timestamps) {
        if (timestamps.size() < 2) {
            return 0;
        }
        long first = timestamps.stream().mapToLong(Long::longValue).min().orElse(0);
        long last = timestamps.stream().mapToLong(Long::longValue).max().orElse(0);
        return (timestamps.size() - 1) * 1000.0 / Math.max(1, last - first);
    }
}
