package dev.camelbitrix24.app;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the records that are on an error topic when it starts (the dead-letter topic by default) back onto the request
 * topic, then stops. Each replayed request carries {@code bitrix24.replay.count}; a record already replayed
 * {@code maxRounds} times is not replayed again and stays where it is. Progress is committed in its own consumer
 * group, after the replayed records are acknowledged, so a second run replays only what arrived since.
 */
public final class DeadLetterReplay {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplay.class);

    private final KafkaClientSettings kafka;
    private final String groupId;
    private final int maxRounds;

    /** What one run did. */
    public record Result(String from, String to, long replayed, long exhausted) {
    }

    /** @param kafka how to reach the cluster: the pipeline's own Kafka client settings */
    public DeadLetterReplay(KafkaClientSettings kafka, String groupId, int maxRounds) {
        this.kafka = kafka;
        this.groupId = groupId;
        this.maxRounds = maxRounds;
    }

    public Result replay(String fromTopic, String toTopic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig())) {
            List<PartitionInfo> infos = consumer.partitionsFor(fromTopic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                LOG.info("Topic {} does not exist: nothing to replay", fromTopic);
                return new Result(fromTopic, toTopic, 0, 0);
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            // the records present now; whatever arrives while replaying (our own failures among them) waits for the next run
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                if (c == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, c.offset());
                }
            }
            long replayed = 0;
            long exhausted = 0;
            while (!reachedEnd(consumer, partitions, end)) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(tp)) {
                        continue;
                    }
                    int count = replayCount(record);
                    if (record.headers().lastHeader(OutcomeHeaders.FILTER_ACTIVITY_ID) != null) {
                        // one activity of a filter request: its filter's summary, replayed, lists what is left
                        LOG.debug("Not replaying {}-{}@{}: an activity of a filter request, redone by replaying the "
                                  + "filter's summary", record.topic(), record.partition(), record.offset());
                    } else if (count >= maxRounds) {
                        exhausted++;
                        LOG.info("Not replaying {}-{}@{}: replayed {} time(s) already (limit {}); it stays on {}",
                                record.topic(), record.partition(), record.offset(), count, maxRounds, fromTopic);
                    } else {
                        sent.add(producer.send(new ProducerRecord<>(toTopic, null, record.key(), record.value(),
                                replayHeaders(record, count + 1))));
                        replayed++;
                    }
                    done.put(tp, new OffsetAndMetadata(record.offset() + 1));
                }
                for (Future<RecordMetadata> f : sent) {
                    f.get();
                }
                if (!done.isEmpty()) {
                    consumer.commitSync(done);
                }
            }
            LOG.info("Replayed {} record(s) from {} to {}; {} record(s) reached the limit of {} round(s) and stay on {}",
                    replayed, fromTopic, toTopic, exhausted, maxRounds, fromTopic);
            return new Result(fromTopic, toTopic, replayed, exhausted);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Replay interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Replay failed, nothing committed for the last batch: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions,
                                      Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    /** How many times the record was replayed before; a missing or unreadable header counts as never. */
    static int replayCount(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(OutcomeHeaders.REPLAY_COUNT);
        if (header == null || header.value() == null) {
            return 0;
        }
        try {
            return Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The request's own headers as they were, without the failed outcome's headers, plus the new replay count. */
    private static RecordHeaders replayHeaders(ConsumerRecord<byte[], byte[]> record, int count) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            if (!OutcomeHeaders.OUTCOME_HEADERS.contains(h.key()) && !OutcomeHeaders.REPLAY_COUNT.equals(h.key())
                && !OutcomeHeaders.FILTER.equals(h.key())) {
                headers.add(h);
            }
        }
        headers.add(OutcomeHeaders.REPLAY_COUNT, String.valueOf(count).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private Properties consumerConfig() {
        Properties c = kafka.consumer();
        c.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-consumer");
        return c;
    }

    private Properties producerConfig() {
        Properties p = kafka.producer();
        p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, PipelineTopics.OUTCOME_MAX_MESSAGE_BYTES);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, groupId + "-producer");
        return p;
    }
}
