package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit rule, in one place. After a poll, per partition: one {@code commitSync} behind the unbroken run of
 * requests whose outcome Kafka acknowledged, and a seek back to the first request without one, so that it and what
 * follows are consumed again (outcomes already written behind it are remembered, not written again). Each commit
 * keeps in its metadata a time before which no outcome of a request behind it was written, where a later search for
 * written outcomes starts, and the requests behind it whose call may have reached Bitrix24 (named before the calls
 * leave, so that a crash cannot lose that). After an unexpected failure nothing of the poll is committed.
 */
final class PartitionCommits {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionCommits.class);
    private static final int COMMIT_ATTEMPTS = 3;
    /** Commit metadata: no outcome of a request behind the commit was written before this time. */
    private static final String COMMITTED_AT = "committed-at=";
    /** Commit metadata: the requests behind the commit whose call may have reached Bitrix24 (ranges of offsets). */
    private static final String ATTEMPTING = ";attempting=";
    /**
     * Kafka keeps commit metadata up to 4,096 bytes by default; longer ranges are merged into one. A filter request's
     * progress (at most about 1,000 characters: 50 ids of up to 18 digits) takes its room out of this.
     */
    private static final int MAX_RANGES_LENGTH = 3_000;

    private PartitionCommits() {
    }

    /**
     * Before the calls leave: per partition, a commit that does not move (the poll's first request) but names the
     * requests about to be called, so that after a crash the next owner knows which may have been deleted and reports
     * {@code Activity is not found.} for them as the delete it was.
     */
    static boolean recordAttempts(List<PollRequest> requests, List<PollRequest> toProcess, Set<TopicPartition> newPages,
                                  ConsumerState state, long pollStartedAt) {
        if (toProcess.isEmpty() && newPages.isEmpty()) {
            return true;
        }
        Map<TopicPartition, Long> first = new HashMap<>();
        requests.forEach(r -> first.merge(r.partition, r.offset, Math::min));
        Map<TopicPartition, TreeSet<Long>> attempting = new HashMap<>();
        toProcess.forEach(r -> attempting.computeIfAbsent(r.partition, p -> new TreeSet<>()).add(r.offset));
        // a filter request's new page is named in its progress, which goes with the commit of its partition
        newPages.forEach(p -> attempting.computeIfAbsent(p, x -> new TreeSet<>()));
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        attempting.forEach((partition, called) -> {
            called.addAll(state.mayHaveDeleted.getOrDefault(partition, Set.of()));
            long at = first.get(partition);
            offsets.put(partition, metadata(at, state.stamp(partition, pollStartedAt), called, filterAt(state, partition, at)));
        });
        return commit(requests.get(0).consumer, offsets);
    }

    /** The progress of the partition's filter request when it lies at or after {@code offset} (not committed past). */
    private static FilterProgress filterAt(ConsumerState state, TopicPartition partition, long offset) {
        FilterProgress progress = state.filters.get(partition);
        return progress != null && progress.offset >= offset ? progress : null;
    }

    /** Per partition: one commit behind the unbroken run of written outcomes; a seek back to the first unwritten one. */
    static void commitAndRewind(List<PollRequest> requests, ConsumerState state, long pollStartedAt) {
        Map<TopicPartition, TreeMap<Long, PollRequest>> byPartition = new HashMap<>();
        for (PollRequest request : requests) {
            byPartition.computeIfAbsent(request.partition, p -> new TreeMap<>()).put(request.offset, request);
        }
        Consumer<?, ?> consumer = requests.get(0).consumer;
        Map<TopicPartition, Long> doneUpTo = state.doneUpTo;
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, TreeMap<Long, PollRequest>> partition : byPartition.entrySet()) {
            PollRequest lastWritten = null;
            PollRequest firstUnwritten = null;
            for (PollRequest request : partition.getValue().values()) {
                if (!request.written()) {
                    firstUnwritten = request;
                    break;
                }
                lastWritten = request;
            }
            // requests left behind the commit whose call may have deleted their activity: named in the commit
            Set<Long> mayHaveDeleted = state.mayHaveDeleted.computeIfAbsent(partition.getKey(), p -> new HashSet<>());
            partition.getValue().values().stream().filter(r -> !r.written() && r.mayHaveDeleted())
                    .forEach(r -> mayHaveDeleted.add(r.offset));
            long commitAt = lastWritten != null ? lastWritten.offset + 1 : partition.getValue().firstKey();
            mayHaveDeleted.removeIf(offset -> offset < commitAt);
            if (lastWritten != null || !mayHaveDeleted.isEmpty() || filterAt(state, partition.getKey(), commitAt) != null) {
                // stamped with the poll's start: no outcome of a request behind this commit was written before it
                offsets.put(partition.getKey(), metadata(commitAt, state.stamp(partition.getKey(), pollStartedAt),
                        new TreeSet<>(mayHaveDeleted), filterAt(state, partition.getKey(), commitAt)));
            }
            if (lastWritten != null) {
                doneUpTo.put(partition.getKey(), commitAt);
            }
            if (firstUnwritten != null) {
                // the requests behind it that do have their outcome are counted as done when they come back
                Set<Long> written = state.written.computeIfAbsent(partition.getKey(), p -> new HashSet<>());
                partition.getValue().tailMap(firstUnwritten.offset, false).values().stream()
                        .filter(PollRequest::written).forEach(r -> written.add(r.offset));
                if (!written.isEmpty()) {
                    state.writtenSince.putIfAbsent(partition.getKey(), pollStartedAt);
                }
                if (firstUnwritten.held == null && !firstUnwritten.deferred) {
                    LOG.warn("The outcome of {}@{} was not written ({}); it and the requests behind it without an outcome "
                             + "are consumed again", partition.getKey(), firstUnwritten.offset,
                            firstUnwritten.failure().getMessage());
                }
                // on the consumer's thread, inside its poll loop: the consumer may be used here. Records of this
                // partition already handed over are now behind the position, so they are dropped as stale
                consumer.seek(partition.getKey(), firstUnwritten.offset);
                state.movedBack(consumer, partition.getKey(), firstUnwritten.offset);
                doneUpTo.put(partition.getKey(), firstUnwritten.offset);
            }
            Set<Long> stillAhead = state.written.get(partition.getKey());
            if (stillAhead == null || stillAhead.isEmpty()) {
                // no outcome written past the commit is left to find: later commits need not reach back for one
                state.writtenSince.remove(partition.getKey());
            }
        }
        commit(consumer, offsets);
    }

    /** After an unexpected failure: nothing of this poll is committed, and every partition goes back to its start. */
    static void rewind(List<PollRequest> requests, ConsumerState state, RuntimeException failure) {
        LOG.error("The requests of a poll could not be run ({}); they are consumed again", failure.toString(), failure);
        Consumer<?, ?> consumer = requests.get(0).consumer;
        Map<TopicPartition, Long> first = new HashMap<>();
        requests.forEach(r -> first.merge(r.partition, r.offset, Math::min));
        Set<TopicPartition> assignment = consumer.assignment();
        first.forEach((partition, offset) -> {
            if (assignment.contains(partition)) {
                consumer.seek(partition, offset);
                state.movedBack(consumer, partition, offset);
            }
            state.doneUpTo.put(partition, offset);
            // the outcomes this poll did write are looked for again when its requests come back
            state.written.remove(partition);
        });
    }

    /** Commits; false when the commit could not be made (it is logged). */
    static boolean commit(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return true;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(30));
                return true;
            } catch (WakeupException | TimeoutException e) {
                // a wakeup is how camel-kafka interrupts a poll when it stops; it is spent now, so the commit may go on.
                // A commit is idempotent, so one that timed out may be sent again
                if (attempt >= COMMIT_ATTEMPTS) {
                    LOG.warn("Could not commit {}: {}; these requests may be processed once more", offsets, e.toString());
                    return false;
                }
            } catch (KafkaException e) {
                // the partition moved to another instance meanwhile: it may process these again, never fewer
                LOG.warn("Could not commit {}: {}; these requests may be processed once more", offsets, e.toString());
                return false;
            }
        }
    }


    /** When a commit of this pipeline was made (from its metadata), or null for none or somebody else's. */
    static Long committedAt(OffsetAndMetadata commit) {
        if (commit == null || commit.metadata() == null || !commit.metadata().startsWith(COMMITTED_AT)) {
            return null;
        }
        String metadata = commit.metadata();
        int end = metadata.indexOf(';');
        try {
            return Long.parseLong(metadata.substring(COMMITTED_AT.length(), end < 0 ? metadata.length() : end));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The offsets a commit of this pipeline names as possibly deleted (its metadata), at or after its own offset. */
    static Set<Long> attempting(OffsetAndMetadata commit) {
        Set<Long> offsets = new HashSet<>();
        if (committedAt(commit) == null) {
            return offsets;
        }
        int at = commit.metadata().indexOf(ATTEMPTING);
        if (at < 0) {
            return offsets;
        }
        for (String range : commit.metadata().substring(at + ATTEMPTING.length()).split(",")) {
            try {
                int dash = range.indexOf('-');
                long from = Long.parseLong(dash < 0 ? range : range.substring(0, dash));
                long to = dash < 0 ? from : Long.parseLong(range.substring(dash + 1));
                for (long offset = Math.max(from, commit.offset()); offset <= to; offset++) {
                    offsets.add(offset);
                }
            } catch (NumberFormatException e) {
                // not ours: nothing named
            }
        }
        return offsets;
    }

    /**
     * A commit of {@code offset} that says no outcome of a request behind it was written before {@code stampMillis},
     * keeping the progress of the partition's filter request.
     */
    static OffsetAndMetadata committedAt(long offset, long stampMillis, ConsumerState state, TopicPartition partition) {
        return metadata(offset, stampMillis, new TreeSet<>(), filterAt(state, partition, offset));
    }

    /** The progress of a filter request that a commit of this pipeline keeps, or null. */
    static FilterProgress filterProgress(OffsetAndMetadata commit) {
        Long committedAt = committedAt(commit);
        return committedAt == null ? null : FilterProgress.decode(commit.metadata(), commit.offset(), committedAt);
    }

    /**
     * A commit of {@code offset}, stamped, with the progress of a filter request not committed past (null for none),
     * naming the requests behind it whose call may have reached Bitrix24.
     */
    static OffsetAndMetadata metadata(long offset, long stampMillis, TreeSet<Long> attempting,
                                              FilterProgress filter) {
        String filterPart = filter == null ? "" : filter.encode();
        StringBuilder ranges = new StringBuilder();
        long start = -1;
        long previous = -2;
        for (long value : attempting) {
            if (value != previous + 1) {
                appendRange(ranges, start, previous);
                start = value;
            }
            previous = value;
        }
        appendRange(ranges, start, previous);
        if (ranges.length() > MAX_RANGES_LENGTH - filterPart.length()) {
            // more than fits: one range covering them all (a few more may then count as possibly deleted)
            ranges.setLength(0);
            appendRange(ranges, attempting.first(), attempting.last());
        }
        // the filter's part goes before the ranges, which are read to the end
        return new OffsetAndMetadata(offset, COMMITTED_AT + stampMillis + filterPart
                                             + (ranges.length() == 0 ? "" : ATTEMPTING + ranges));
    }

    private static void appendRange(StringBuilder ranges, long from, long to) {
        if (from < 0) {
            return;
        }
        ranges.append(ranges.length() == 0 ? "" : ",").append(from).append(from == to ? "" : "-" + to);
    }
}
