package dev.camelbitrix24.app;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
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
    /**
     * Per partition: the progress of its first unfinished filter request (see {@link FilterPoll}), kept in the
     * partition's commit metadata too. Reloaded from there after a rebalance.
     */
    final Map<TopicPartition, FilterProgress> filters = new HashMap<>();
    /** Per partition: held requests whose call may have reached Bitrix24. */
    final Map<TopicPartition, Set<Long>> mayHaveDeleted = new HashMap<>();
    /** Per partition with outcomes written past its commit (in {@link #written}): the start of the poll that wrote the first. */
    final Map<TopicPartition, Long> writtenSince = new HashMap<>();
    int generation = Integer.MIN_VALUE;
    /**
     * Per partition this consumer moved back (a seek to the first request without an outcome): that offset, until a
     * record at or before it is handed over again. camel-kafka may hand over records fetched before the seek, from
     * past that offset, after the fetch from the new position has moved past them; those must wait for their turn, or
     * the commit would pass the ones between. Kept with the group generation it was made in: a rebalance resets the
     * position to the commit.
     */
    final Map<TopicPartition, Long> movedBackTo = new HashMap<>();
    int movedBackGeneration = Integer.MIN_VALUE;

    /** Records that the consumer was moved back to {@code offset} of {@code partition} by a seek of this pipeline. */
    void movedBack(Consumer<?, ?> consumer, TopicPartition partition, long offset) {
        int current = consumer.groupMetadata().generationId();
        if (current != movedBackGeneration) {
            movedBackTo.clear();
            movedBackGeneration = current;
        }
        movedBackTo.put(partition, offset);
    }

    /**
     * The time a commit of {@code partition} is stamped with: no outcome of a request behind it was written before.
     * That is the poll's start, or the start of an earlier poll that wrote outcomes past the commit still unused, or
     * the time the page of a filter request in progress was first sent.
     */
    long stamp(TopicPartition partition, long pollStartedAt) {
        // a filter request's page in progress: its outcomes were written from the time it was first sent
        FilterProgress filter = filters.get(partition);
        long since = filter != null && filter.page != null ? Math.min(pollStartedAt, filter.pageStartedAt) : pollStartedAt;
        // not judged by the set of written offsets: a poll empties it as it meets them, and they are named again only
        // after the commit; PartitionCommits lets go of the time once none is left past the commit
        Long writtenAt = writtenSince.get(partition);
        return writtenAt == null ? since : Math.min(since, writtenAt);
    }
}
