package dev.camelbitrix24.app;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.simulator.ActivitySpec;
import dev.camelbitrix24.simulator.FaultSpec;
import dev.camelbitrix24.simulator.SimulatorControl;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo switch: feeds the running pipeline a mix of requests (activities that exist, activities already gone,
 * malformed values, activities the webhook may not delete, and a request the simulator is told to fail) and prints
 * how many landed on each topic. All its requests share one key, so they are processed in the order sent.
 */
final class PipelineDemo {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineDemo.class);

    private final KafkaClientSettings kafka;
    private final PipelineTopics topics;
    private final SimulatorControl simulator;
    private final int maxAttempts;

    PipelineDemo(KafkaClientSettings kafka, PipelineTopics topics, SimulatorControl simulator, int maxAttempts) {
        this.kafka = kafka;
        this.topics = topics;
        this.simulator = simulator;
        this.maxAttempts = maxAttempts;
    }

    /** Sends the mix, waits up to the given time for all outcomes, prints the count per topic; returns the counts. */
    Map<String, Integer> run(Duration wait) {
        String key = "demo-" + Long.toString(System.currentTimeMillis(), 36);
        List<String> values = new ArrayList<>();
        // first, so that the injected server errors hit exactly this request's attempts
        values.add(request(simulator.addActivity(), key + "-failing"));
        for (int i = 0; i < 10; i++) {
            values.add(request(simulator.addActivity(), key + "-valid-" + i));
        }
        for (int i = 0; i < 3; i++) {
            values.add(request(900_000_000L + i, key + "-gone-" + i));
        }
        values.add(request(simulator.addActivity(ActivitySpec.plain().ownedByApp("demo.app")), key + "-app-context"));
        values.add(request(simulator.addActivity(ActivitySpec.plain().deletableOnlyBy(2)), key + "-denied"));
        values.add("this is not JSON");
        values.add("{\"requestId\":\"" + key + "-no-id\"}");
        values.add("{\"id\":-7,\"requestId\":\"" + key + "-negative\"}");
        values.add("{\"id\":\"12abc\",\"requestId\":\"" + key + "-letters\"}");

        Map<TopicPartition, Long> start = endOffsets();
        simulator.injectFault(FaultSpec.internalServerError().times(maxAttempts).onMethod("batch"));
        Properties producerConfig = kafka.producer();
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
            // alone, so that the injected errors hit only its batch: the others would share it
            producer.send(new ProducerRecord<>(topics.requests(), bytes(key), bytes(values.get(0))));
            producer.flush();
            awaitOutcomes(start, key, 1, wait);
            for (String value : values.subList(1, values.size())) {
                producer.send(new ProducerRecord<>(topics.requests(), bytes(key), bytes(value)));
            }
            producer.flush();
        }
        System.out.printf("Demo: sent %d requests with key %s to %s; waiting for their outcomes...%n", values.size(), key,
                topics.requests());

        Map<String, Integer> counts = awaitOutcomes(start, key, values.size(), wait);
        StringBuilder table = new StringBuilder("Demo: where the " + values.size() + " requests landed:\n");
        counts.forEach((topic, n) -> table.append(String.format("  %-45s %3d%n", topic, n)));
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        if (total < values.size()) {
            table.append(String.format("  (%d still in progress after %d s)%n", values.size() - total, wait.toSeconds()));
        }
        System.out.print(table);
        return counts;
    }

    private static String request(long id, String requestId) {
        return "{\"id\":" + id + ",\"requestId\":\"" + requestId + "\"}";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties consumerConfig = kafka.consumer();
        consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(consumerConfig);
    }

    private List<TopicPartition> outcomePartitions(KafkaConsumer<?, ?> consumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics.outcomeTopics()) {
            consumer.partitionsFor(topic, Duration.ofSeconds(10))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        return partitions;
    }

    private Map<TopicPartition, Long> endOffsets() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            return new HashMap<>(consumer.endOffsets(outcomePartitions(consumer)));
        }
    }

    private Map<String, Integer> awaitOutcomes(Map<TopicPartition, Long> start, String key, int expected, Duration wait) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        topics.outcomeTopics().forEach(t -> counts.put(t, 0));
        byte[] keyBytes = bytes(key);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = outcomePartitions(consumer);
            consumer.assign(partitions);
            partitions.forEach(tp -> consumer.seek(tp, start.getOrDefault(tp, 0L)));
            long deadline = System.nanoTime() + wait.toNanos();
            int seen = 0;
            while (seen < expected && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    if (Arrays.equals(keyBytes, record.key())) {
                        counts.merge(record.topic(), 1, Integer::sum);
                        seen++;
                    }
                }
            }
            if (seen < expected) {
                LOG.warn("Demo: {} of {} outcomes after {} s", seen, expected, TimeUnit.NANOSECONDS.toSeconds(wait.toNanos()));
            }
        }
        return counts;
    }
}
