package dev.camelbitrix24.app;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

/** What one consumer of the request topic has done; used only on that consumer's own thread. */
final class ConsumerState {
    /**
     * Per partition: the offset after the last request whose outcome this consumer wrote (and committed, or tried
     * to). A request handed over below it already has its outcome: after a rebalance that reset the position to an
     * older commit, or as a copy fetched again while the first copy was still queued.
     */
    final Map<TopicPartition, Long> doneUpTo = new HashMap<>();
    /** Per partition met since the last rebalance: the uncommitted offsets found with an outcome already written. */
    final Map<TopicPartition, Set<Long>> written = new HashMap<>();
    /** Per partition: held requests whose call may have reached Bitrix24. */
    final Map<TopicPartition, Set<Long>> mayHaveDeleted = new HashMap<>();
    /** Per partition with outcomes written past its commit (in {@link #written}): the start of the poll that wrote the first. */
    final Map<TopicPartition, Long> writtenSince = new HashMap<>();
    /**
     * Per partition this consumer moved back (a seek to the first request without an outcome): where it moved back
     * to, until a record at or before that offset is handed over again. camel-kafka still hands over, afterwards, the
     * records it had fetched before the seek (the rest of the poll it was handling); they lie past that offset and are
     * stale, even when the fetch from the new position has already moved past them.
     */
    final Map<TopicPartition, Long> movedBackTo = new HashMap<>();
    int generation = Integer.MIN_VALUE;

    /**
     * The time a commit of {@code partition} is stamped with: no outcome of a request behind it was written before.
     * That is the poll's start, or the start of an earlier poll that wrote outcomes past the commit still unused.
     */
    long stamp(TopicPartition partition, long pollStartedAt) {
        Set<Long> pending = written.get(partition);
        if (pending == null || pending.isEmpty()) {
            writtenSince.remove(partition);
            return pollStartedAt;
        }
        return Math.min(pollStartedAt, writtenSince.getOrDefault(partition, pollStartedAt));
    }
}
