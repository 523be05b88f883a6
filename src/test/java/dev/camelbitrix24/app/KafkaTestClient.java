package dev.camelbitrix24.app;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients for tests: produce requests, read whole topics, look at a group's committed offsets. */
final class KafkaTestClient implements AutoCloseable {

    /** Plain-text clients are all {@code User:ANONYMOUS}. */
    private static final AccessControlEntry DENY_WRITE = new AccessControlEntry("User:ANONYMOUS", "*",
            AclOperation.WRITE, AclPermissionType.DENY);
    private static final AccessControlEntry ALLOW_ALL = new AccessControlEntry("User:ANONYMOUS", "*",
            AclOperation.ALL, AclPermissionType.ALLOW);

    /** Bootstrap servers and, on a secured broker, the security settings. */
    private final Map<String, Object> connection;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;

    KafkaTestClient(String bootstrapServers) {
        this(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Connected with these settings: {@link EmbeddedKafkaBroker#clientSettings()} for a broker with SASL. */
    KafkaTestClient(Map<String, Object> connection) {
        this.connection = Map.copyOf(connection);
        this.producer = new KafkaProducer<>(with(Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
        this.admin = Admin.create(connection);
    }

    private Map<String, Object> with(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(connection);
        all.putAll(settings);
        return all;
    }

    Admin admin() {
        return admin;
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** The last value of a header as UTF-8 text, or null. */
    static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : text(h.value());
    }

    RecordMetadata send(String topic, Integer partition, String key, byte[] value, Map<String, String> headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        headers.forEach((k, v) -> recordHeaders.add(k, utf8(v)));
        try {
            return producer.send(new ProducerRecord<>(topic, partition, utf8(key), value, recordHeaders)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("send failed", e);
        }
    }

    /** Sends a backlog without waiting for each acknowledgement, then waits for all of them. */
    void sendAll(String topic, int count, java.util.function.IntFunction<ProducerRecord<byte[], byte[]>> record) {
        List<java.util.concurrent.Future<RecordMetadata>> sent = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ProducerRecord<byte[], byte[]> r = record.apply(i);
            sent.add(producer.send(new ProducerRecord<>(topic, r.partition(), r.key(), r.value())));
        }
        try {
            for (java.util.concurrent.Future<RecordMetadata> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("send failed", e);
        }
    }

    RecordMetadata send(String topic, String key, String value) {
        return send(topic, null, key, utf8(value), Map.of());
    }

    /** Every record on the topic now, in partition then offset order. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(with(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        all.add(r);
                    }
                });
            }
            all.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset()));
            return all;
        }
    }

    /** How many records each topic holds now. */
    Map<String, Integer> counts(List<String> topics) {
        Map<String, Integer> counts = new HashMap<>();
        topics.forEach(t -> counts.put(t, readAll(t).size()));
        return counts;
    }

    /**
     * Every client is refused the writing of these topics ({@code TOPIC_AUTHORIZATION_FAILED}) until
     * {@link #allowWrites}; needs a broker started with ACLs.
     */
    void denyWrites(Collection<String> topics) {
        try {
            // once a topic has an ACL, "allow everyone if no ACL is found" no longer applies to it: allow the rest
            List<AclBinding> acls = new ArrayList<>();
            for (String topic : topics) {
                ResourcePattern pattern = new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL);
                acls.add(new AclBinding(pattern, ALLOW_ALL));
                acls.add(new AclBinding(pattern, DENY_WRITE));
            }
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not deny writes to " + topics, e);
        }
    }

    /** Takes back {@link #denyWrites}. */
    void allowWrites(Collection<String> topics) {
        try {
            admin.deleteAcls(topics.stream().map(topic -> new AclBinding(
                    new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL), DENY_WRITE).toFilter()).toList())
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not allow writes to " + topics, e);
        }
    }

    /** The group's committed offset per partition of the topic (absent: nothing committed). */
    Map<Integer, Long> committed(String groupId, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<Integer, Long> result = new HashMap<>();
            offsets.forEach((tp, om) -> {
                if (tp.topic().equals(topic) && om != null) {
                    result.put(tp.partition(), om.offset());
                }
            });
            return result;
        } catch (Exception e) {
            throw new IllegalStateException("could not read the offsets of " + groupId, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
