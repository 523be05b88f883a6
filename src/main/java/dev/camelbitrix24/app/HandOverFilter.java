package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which records of a camel-kafka hand-over are still this consumer's to process. camel-kafka's batching consumer hands
 * over a poll's records while it handles the next poll, so a record may be stale by then: its partition was taken away
 * by a rebalance, or the consumer was moved back before it (a seek, or a rebalance that reset the position to the
 * committed offset); it will be consumed again where it belongs. So is a record fetched before such a seek and handed
 * over ahead of the records fetched again from the offset the consumer was moved back to: processing it then would
 * let the commit pass the records before it. A record this consumer already wrote the outcome of
 * (fetched again after a rebalance) is not processed again, and its partition is committed past it. One hand-over can
 * hold a record twice (queued from one poll, fetched again by the next): the second copy is dropped. After this
 * consumer moved a partition back, the records fetched before that are stale until the new fetch begins.
 */
final class HandOverFilter {

    private static final Logger LOG = LoggerFactory.getLogger(HandOverFilter.class);

    private HandOverFilter() {
    }

    /** The records of a hand-over that are still this consumer's to process, with their consumer, partition and offset. */
    static List<PollRequest> current(List<?> records, Function<Consumer<?, ?>, ConsumerState> states) {
        List<PollRequest> requests = new ArrayList<>(records.size());
        Map<TopicPartition, Long> doneUpTo = null;
        Set<TopicPartition> logChecked = new HashSet<>();
        Set<TopicPartition> alreadyDone = new HashSet<>();
        int alreadyDoneCount = 0;
        Map<TopicPartition, Long> positions = new HashMap<>();
        Consumer<?, ?> consumer = null;
        Set<TopicPartition> assignment = null;
        Map<TopicPartition, Set<Long>> taken = new HashMap<>();
        int stale = 0;
        int early = 0;
        int twice = 0;
        ConsumerState state = null;
        for (Object record : records) {
            Exchange exchange = (Exchange) record;
            KafkaManualCommit manual = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (!(manual instanceof DefaultKafkaManualCommit commit)) {
                throw new IllegalStateException("No " + KafkaConstants.MANUAL_COMMIT + " header: the request consumer must run "
                                                + "with batching=true, allowManualCommit=true and autoCommitEnable=false");
            }
            if (consumer == null) {
                // one poll comes from one consumer (one per consumer thread), and we run on its thread
                consumer = commit.getConsumer();
                assignment = consumer.assignment();
                state = states.apply(consumer);
                doneUpTo = state.doneUpTo;
                if (state.movedBackGeneration != consumer.groupMetadata().generationId()) {
                    // a rebalance since: the position went back to the commit, which no record handed over passes
                    state.movedBackTo.clear();
                }
            }
            TopicPartition partition = commit.getPartition();
            long offset = commit.getRecordOffset();
            Long position = assignment.contains(partition) ? position(consumer, partition, positions) : null;
            if (position == null || offset >= position) {
                stale++;
                continue;
            }
            if (fetchedBeforeMovingBack(consumer, partition, offset, state.movedBackTo, logChecked)) {
                // handed over ahead of the records fetched again from where the consumer was moved back: it comes
                // again after them
                early++;
                continue;
            }
            if (offset < doneUpTo.getOrDefault(partition, Long.MIN_VALUE)) {
                alreadyDone.add(partition);
                alreadyDoneCount++;
                continue;
            }
            if (!taken.computeIfAbsent(partition, p -> new HashSet<>()).add(offset)) {
                // the same record twice in one hand-over: camel-kafka queued it from a poll, then a rebalance reset the
                // position behind it and the next poll fetched it again before the queue was handed over
                twice++;
                continue;
            }
            requests.add(new PollRequest(exchange, consumer, partition, offset));
        }
        if (stale > 0 || early > 0 || alreadyDoneCount > 0 || twice > 0) {
            LOG.info("Of {} requests handed over, {} were stale (partition moved, or consumer moved back before them; they "
                     + "are consumed again where they belong), {} came ahead of the requests the consumer was moved back "
                     + "to (they come again after them), {} already had their outcome (fetched again after a "
                     + "rebalance) and {} were second copies of a request in the same hand-over (fetched again after a "
                     + "rebalance, before the first copy was handed over); none of these is processed",
                    records.size(), stale, early, alreadyDoneCount, twice);
        }
        if (!alreadyDone.isEmpty()) {
            // they were written but perhaps never committed: commit them now (a poll with requests to process commits
            // past them anyway), so that nobody processes them again
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition partition : alreadyDone) {
                if (requests.stream().noneMatch(r -> r.partition.equals(partition))) {
                    ConsumerState own = states.apply(consumer);
                    offsets.put(partition, PartitionCommits.committedAt(doneUpTo.get(partition),
                            own.stamp(partition, System.currentTimeMillis()), own, partition));
                }
            }
            PartitionCommits.commit(consumer, offsets);
        }
        return requests;
    }

    /**
     * Whether the record was fetched before this consumer moved its partition back, and is stale: the records of a
     * hand-over come in the order they were fetched, and the fetch from the new position starts at it (or at an
     * older commit after a rebalance), while what was fetched before lies past it. Judging by the position alone
     * is not enough: camel-kafka may hand the rest of the old fetch over after the new fetch has moved past it, and
     * taking those records would commit past the requests moved back to, which were never processed.
     */
    private static boolean fetchedBeforeMovingBack(Consumer<?, ?> consumer, TopicPartition partition, long offset,
                                                   Map<TopicPartition, Long> movedBackTo,
                                                   Set<TopicPartition> logChecked) {
        Long to = movedBackTo.get(partition);
        if (to == null) {
            return false;
        }
        // the log's start is looked up once per partition and hand-over, only for records that look stale
        if (offset <= to || logChecked.add(partition) && logStartsAfter(consumer, partition, to)) {
            // the fetch from the new position has begun (or the records moved back to are gone from the log)
            movedBackTo.remove(partition);
            return false;
        }
        return true;
    }

    private static boolean logStartsAfter(Consumer<?, ?> consumer, TopicPartition partition, long offset) {
        try {
            Long start = consumer.beginningOffsets(Set.of(partition), Duration.ofSeconds(5)).get(partition);
            return start != null && start > offset;
        } catch (KafkaException e) {
            return false;
        }
    }

    private static Long position(Consumer<?, ?> consumer, TopicPartition partition, Map<TopicPartition, Long> positions) {
        try {
            return positions.computeIfAbsent(partition, consumer::position);
        } catch (KafkaException e) {
            // no position now (a wakeup while it was looked up, say): treated as stale, consumed again later
            return null;
        }
    }
}
