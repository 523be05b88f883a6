package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Bulk load for the reliability tests: many requests sent at once, and cheap record counts from end offsets. */
final class TopicLoad implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;

    TopicLoad(String bootstrapServers) {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024,
                // one batch in flight: a batch retried after NOT_LEADER_OR_FOLLOWER on a new topic cannot be overtaken
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    /** Sends all records and returns once Kafka acknowledged every one of them. */
    void sendAll(List<ProducerRecord<byte[], byte[]>> records) {
        records.stream().map(ProducerRecord::topic).distinct().forEach(this::awaitLeaders);
        List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>(records.size());
        records.forEach(r -> sent.add(producer.send(r)));
        producer.flush();
        try {
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("sending the requests failed", e);
        }
    }

    /** Waits until every partition of a new topic has a leader, so the first sends are not refused. */
    private void awaitLeaders(String topic) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream().anyMatch(p -> p.leader() == null || p.leader().isEmpty())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the partitions of " + topic + " have no leader after 30 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** How many records the topics hold now (the sum of their end offsets; nothing is compacted or deleted here). */
    long count(List<String> topics) {
        long total = 0;
        for (String topic : topics) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            total += consumer.endOffsets(partitions, Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue).sum();
        }
        return total;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }
}
