package dev.camelbitrix24.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.app.Pipeline;
import dev.camelbitrix24.app.PipelineTopics;
import dev.camelbitrix24.simulator.Bitrix24Simulator;
import dev.camelbitrix24.simulator.RatePlan;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Phase 3, limits off: requests produced at a steady 100 per second to a running pipeline; the latency of each is its
 * outcome record's timestamp minus the request record's (both stamped by producers of this one machine's clock).
 */
final class Latency {

    private Latency() {
    }

    static Map<String, Object> run(BenchmarkKafka kafka, List<String[]> table) throws Exception {
        int seconds = PipelineBenchmark.QUICK ? 15 : 60;
        int count = seconds * 100;
        Map<String, Object> r = new LinkedHashMap<>();
        try (Bitrix24Simulator sim = PipelineBenchmark.simulator(RatePlan.OFF, count + BenchmarkKafka.PARTITIONS + 10)) {
            PipelineTopics topics = kafka.newTopics("latency");
            PipelineBenchmark.log("3 latency: " + count + " requests at 100/s");
            try (Pipeline pipeline = Pipeline.start(PipelineBenchmark.pipelineSettings(kafka, topics, sim.webhookUrl(), "off"));
                 KafkaProducer<byte[], byte[]> producer = kafka.producer(false)) {
                // one request per partition first: the consumer group joins, and the pipeline meets every partition
                // (its first request of a partition looks for outcomes a predecessor left uncommitted), before the clock
                // starts
                for (int p = 0; p < BenchmarkKafka.PARTITIONS; p++) {
                    producer.send(new ProducerRecord<>(topics.requests(), p, BenchmarkKafka.bytes("warm-up"),
                            BenchmarkKafka.bytes("{\"id\":" + (count + 1 + p) + "}"))).get();
                }
                kafka.awaitCount(topics.succeeded(), BenchmarkKafka.PARTITIONS, Duration.ofSeconds(60));
                long start = System.nanoTime();
                for (int i = 1; i <= count; i++) {
                    long due = start + TimeUnit.MILLISECONDS.toNanos(10L * i);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    producer.send(new ProducerRecord<>(topics.requests(), BenchmarkKafka.bytes("k-" + i),
                            BenchmarkKafka.bytes("{\"id\":" + i + "}")));
                }
                kafka.awaitCount(topics.succeeded(), count + BenchmarkKafka.PARTITIONS, Duration.ofSeconds(60));
            }
            List<Long> latencies = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> outcome : kafka.readAll(topics.succeeded())) {
                Header requestTime = outcome.headers().lastHeader("bitrix24.original.timestamp");
                if (requestTime != null && !"warm-up".equals(PipelineBenchmark.utf8(outcome.key()))) {
                    latencies.add(outcome.timestamp() - Long.parseLong(PipelineBenchmark.utf8(requestTime.value())));
                }
            }
            Collections.sort(latencies);
            long p50 = percentile(latencies, 0.50);
            long p99 = percentile(latencies, 0.99);
            long max = latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1);
            r.put("requests", count);
            r.put("measured", latencies.size());
            r.put("p50Millis", p50);
            r.put("p99Millis", p99);
            r.put("maxMillis", max);
            table.add(new String[] {"3 latency at 100 req/s (" + seconds + " s)", "p50 " + p50 + " ms, p99 " + p99 + " ms",
                "max " + max + " ms, " + latencies.size() + " requests", "p99 < 200 ms"});
        }
        return r;
    }

    private static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
