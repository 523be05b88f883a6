package dev.camelbitrix24.benchmark;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import dev.camelbitrix24.app.PipelineTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The benchmark's plain Kafka clients: topics, a fast backlog producer, and readers of what landed. */
final class BenchmarkKafka {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    static final int PARTITIONS = 3;

    private final String bootstrapServers;
    private final Admin admin;

    BenchmarkKafka(String bootstrapServers, Admin admin) {
        this.bootstrapServers = bootstrapServers;
        this.admin = admin;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    PipelineTopics newTopics(String name) {
        String p = "bench-" + name + "-" + SEQUENCE.incrementAndGet() + ".";
        PipelineTopics topics = new PipelineTopics(p + "requests", p + "succeeded", p + "not-found", p + "rejected",
                p + "invalid", p + "dlq");
        topics.createMissing(admin, PARTITIONS);
        return topics;
    }

    KafkaProducer<byte[], byte[]> producer(boolean throughput) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, throughput ? 5 : 0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    KafkaConsumer<byte[], byte[]> consumer(String group, int maxPollRecords) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    /**
     * Produces requests {@code {"id":first..first+count-1}} as fast as the broker takes them; the ones a loaded broker
     * refuses (it happens: OutOfOrderSequenceException) are sent again, so that the backlog is complete.
     */
    void produceIds(String topic, long first, int count) {
        List<Long> pending = new ArrayList<>();
        for (long id = first; id < first + count; id++) {
            pending.add(id);
        }
        for (int round = 0; !pending.isEmpty() && round < 5; round++) {
            List<Long> failed = java.util.Collections.synchronizedList(new ArrayList<>());
            try (KafkaProducer<byte[], byte[]> producer = producer(true)) {
                Set<Integer> started = new HashSet<>();
                for (long id : pending) {
                    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, bytes("k-" + id),
                            bytes("{\"id\":" + id + ",\"requestId\":\"r-" + id + "\"}"));
                    if (started.size() < PARTITIONS) {
                        // one at a time until every partition took one: a partition that is not quite ready answers
                        // NOT_LEADER_OR_FOLLOWER, and with later batches already in flight behind the refused first one
                        // the broker refuses those (OutOfOrderSequenceException) until the delivery timeout
                        try {
                            started.add(producer.send(record).get(60, TimeUnit.SECONDS).partition());
                            continue;
                        } catch (ExecutionException | TimeoutException e) {
                            failed.add(id);
                            continue;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    }
                    producer.send(record, (metadata, error) -> {
                        if (error != null) {
                            failed.add(id);
                        }
                    });
                }
                producer.flush();
            }
            pending = new ArrayList<>(failed);
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException(pending.size() + " requests could not be produced to " + topic);
        }
    }

    /** Every record of a topic now, from the beginning. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        forEachRecord(topic, all::add);
        return all;
    }

    /** The timestamp of every record of a topic now (only the timestamps are kept: a backlog can be a million records). */
    List<Long> timestamps(String topic) {
        List<Long> timestamps = new ArrayList<>();
        forEachRecord(topic, record -> timestamps.add(record.timestamp()));
        return timestamps;
    }

    private void forEachRecord(String topic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> action) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(action);
            }
        }
    }

    /** How many records a topic holds (sum of end offsets; the topics are never compacted or trimmed here). */
    long count(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("count-" + SEQUENCE.incrementAndGet(), 1)) {
            return count(consumer, topic);
        }
    }

    private static long count(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
        return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Waits until a topic holds {@code expected} records, or the time is up; returns the count. One client asks every
     * 250 ms: a new client each time would cost this JVM, which the broker and the simulator share, CPU the
     * measured pipeline then lacks.
     */
    long awaitCount(String topic, long expected, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("count-" + SEQUENCE.incrementAndGet(), 1)) {
            long n = count(consumer, topic);
            while (n < expected && System.nanoTime() < deadline) {
                PipelineBenchmark.sleep(Duration.ofMillis(250));
                n = count(consumer, topic);
            }
            return n;
        }
    }

    /**
     * Waits until the outcome topics of {@code topics} hold {@code expected} records between them, or the time is up;
     * returns the count. One client asks every 250 ms, as in {@link #awaitCount}.
     */
    long awaitOutcomes(PipelineTopics topics, long expected, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("count-" + SEQUENCE.incrementAndGet(), 1)) {
            long n = outcomes(consumer, topics);
            while (n < expected && System.nanoTime() < deadline) {
                PipelineBenchmark.sleep(Duration.ofMillis(250));
                n = outcomes(consumer, topics);
            }
            return n;
        }
    }

    private static long outcomes(KafkaConsumer<byte[], byte[]> consumer, PipelineTopics topics) {
        return topics.outcomeTopics().stream().mapToLong(topic -> count(consumer, topic)).sum();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
