package dev.camelbitrix24.app;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the requests that already have an outcome record although their offset was never committed: a pipeline that
 * died (or lost its partitions) between writing outcomes and committing leaves them behind, and whoever consumes those
 * requests next must not process them again (a second delete would answer {@code Activity is not found.}).
 * <p>
 * Every outcome record names its request in the {@code bitrix24.original.topic/partition/offset} headers. The search
 * reads the outcome topics from a moment before which none of those outcomes can have been written, to their end
 * as they are when it starts.
 */
final class WrittenOutcomes {

    private static final Logger LOG = LoggerFactory.getLogger(WrittenOutcomes.class);

    private final Properties consumerProperties;
    private final List<String> outcomeTopics;
    private final Duration timeout;

    /**
     * @param consumerProperties how to reach the broker (bootstrap servers, security); group and (de)serializer
     *                           settings are replaced
     * @param timeout            how long a search may take; a search that does not finish in time finds nothing, and
     *                           the requests are processed again (a second outcome, never none)
     */
    WrittenOutcomes(Properties consumerProperties, List<String> outcomeTopics, Duration timeout) {
        Properties props = new Properties();
        props.putAll(consumerProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        // it reads up to end offsets taken before it starts: a fetch never needs to wait for more data
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, props.getProperty(ConsumerConfig.CLIENT_ID_CONFIG, "bitrix24") + "-outcome-search");
        this.consumerProperties = props;
        this.outcomeTopics = List.copyOf(outcomeTopics);
        this.timeout = timeout;
    }

    /**
     * What a search found: per request partition, the offsets that have their own outcome record, and for the filter
     * request a partition's commit names (its progress), the outcomes of the activities of the page it was attempting,
     * by activity id ({@code bitrix24.outcome}). A per-activity outcome is never its filter request's own outcome.
     */
    record Found(Map<TopicPartition, Set<Long>> offsets, Map<TopicPartition, Map<Long, String>> filterPages) {
        static final Found NOTHING = new Found(Map.of(), Map.of());
    }

    /**
     * The offsets, per request partition, at or after {@code from} that have an outcome record written at or after
     * {@code sinceMillis} (record timestamps), and the per-activity outcomes of the pages the {@code filters} (per
     * partition, the filter request in progress) were attempting.
     */
    Found find(Map<TopicPartition, Long> from, Map<TopicPartition, FilterProgress> filters, long sinceMillis) {
        Map<TopicPartition, Set<Long>> found = new HashMap<>();
        Map<TopicPartition, Map<Long, String>> pages = new HashMap<>();
        long started = System.currentTimeMillis();
        long deadline = started + timeout.toMillis();
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : outcomeTopics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
                if (infos != null) {
                    infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
                }
            }
            Map<TopicPartition, Long> since = new HashMap<>();
            partitions.forEach(p -> since.put(p, sinceMillis));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(since, timeout);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> toRead = new HashMap<>();
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp start = starts.get(p);
                long end = ends.getOrDefault(p, 0L);
                if (start != null && start.offset() < end) {
                    toRead.put(p, start.offset());
                }
            }
            consumer.assign(toRead.keySet());
            toRead.forEach(consumer::seek);
            Set<TopicPartition> pending = new HashSet<>(toRead.keySet());
            while (!pending.isEmpty()) {
                if (System.currentTimeMillis() > deadline) {
                    LOG.warn("The search for outcomes already written did not finish within {} ms ({} records read); "
                             + "the uncommitted requests are processed again", timeout.toMillis(), read);
                    return Found.NOTHING;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    read++;
                    TopicPartition request = requestOf(record);
                    Long first = request == null ? null : from.get(request);
                    long offset = first == null ? -1 : offsetOf(record);
                    if (first == null || offset < first) {
                        continue;
                    }
                    String activity = header(record, OutcomeHeaders.FILTER_ACTIVITY_ID);
                    if (activity == null) {
                        found.computeIfAbsent(request, r -> new HashSet<>()).add(offset);
                        continue;
                    }
                    // one activity of a filter request: kept only for the page its progress names (one page at most)
                    FilterProgress filter = filters.get(request);
                    Long id = longOrNull(activity);
                    if (filter != null && filter.offset == offset && filter.page != null && id != null
                        && filter.page.contains(id)) {
                        String outcome = header(record, OutcomeHeaders.OUTCOME);
                        pages.computeIfAbsent(request, r -> new HashMap<>()).put(id, outcome == null ? "" : outcome);
                    }
                }
                pending.removeIf(p -> consumer.position(p) >= ends.get(p));
            }
        }
        LOG.info("Searched {} outcome record(s) in {} ms for requests of {} not committed yet: {} already have one",
                read, System.currentTimeMillis() - started, from.keySet(),
                found.values().stream().mapToInt(Set::size).sum());
        return new Found(found, pages);
    }

    private static Long longOrNull(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static TopicPartition requestOf(ConsumerRecord<?, ?> record) {
        String topic = header(record, OutcomeHeaders.ORIGINAL_TOPIC);
        String partition = header(record, OutcomeHeaders.ORIGINAL_PARTITION);
        if (topic == null || partition == null) {
            return null;
        }
        try {
            return new TopicPartition(topic, Integer.parseInt(partition));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long offsetOf(ConsumerRecord<?, ?> record) {
        String offset = header(record, OutcomeHeaders.ORIGINAL_OFFSET);
        try {
            return offset == null ? -1 : Long.parseLong(offset);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
