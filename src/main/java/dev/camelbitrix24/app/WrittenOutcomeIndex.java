package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which uncommitted requests already have an outcome record: written by an instance that died or lost the partition
 * before it committed, or by this one behind a request that is held. Searched once per partition met after a
 * rebalance ({@link WrittenOutcomes}), remembered per consumer ({@link ConsumerState#written}).
 */
final class WrittenOutcomeIndex {

    private static final Logger LOG = LoggerFactory.getLogger(WrittenOutcomeIndex.class);
    private static final long CLOCK_MARGIN_MILLIS = 60_000;

    private final WrittenOutcomes writtenOutcomes;

    WrittenOutcomeIndex(WrittenOutcomes writtenOutcomes) {
        this.writtenOutcomes = writtenOutcomes;
    }

    /**
     * The requests that still need processing. The first time this consumer meets a partition after a rebalance, it
     * looks for outcome records already written for its uncommitted requests (by an instance that died or lost the
     * partition before it committed); those requests are counted as done, not processed again. The same search covers
     * the other partitions it was given that have a commit of this pipeline, so that they need no search of their own.
     */
    List<PollRequest> withoutWrittenOutcomes(List<PollRequest> requests, ConsumerState state) {
        Consumer<?, ?> consumer = requests.get(0).consumer;
        int generation = consumer.groupMetadata().generationId();
        if (generation != state.generation) {
            state.generation = generation;
            state.written.clear();
            state.writtenSince.clear();
            // whoever had the partitions meanwhile may have moved their filter requests on: their commits say how far
            state.filters.clear();
        }
        Map<TopicPartition, Long> firstOffset = new HashMap<>();
        Map<TopicPartition, Long> firstTimestamp = new HashMap<>();
        for (PollRequest request : requests) {
            if (!state.written.containsKey(request.partition)) {
                firstOffset.merge(request.partition, request.offset, Math::min);
                Long timestamp = request.exchange.getMessage().getHeader(KafkaConstants.TIMESTAMP, Long.class);
                if (timestamp != null) {
                    firstTimestamp.merge(request.partition, timestamp, Math::min);
                }
            }
        }
        if (!firstOffset.isEmpty()) {
            // the other partitions this consumer was given and has not met yet are searched in the same pass, from
            // their last commit: one search then serves them all, instead of one per partition as their requests come
            Set<TopicPartition> notMetYet = new HashSet<>(consumer.assignment());
            notMetYet.removeAll(state.written.keySet());
            notMetYet.removeAll(firstOffset.keySet());
            Set<TopicPartition> partitions = new HashSet<>(firstOffset.keySet());
            partitions.addAll(notMetYet);
            Map<TopicPartition, OffsetAndMetadata> committed = committed(consumer, partitions);
            // the requests a previous owner named as called before it died: reported deleted if they are not found
            Map<TopicPartition, FilterProgress> filters = new HashMap<>();
            committed.forEach((partition, commit) -> {
                Set<Long> named = PartitionCommits.attempting(commit);
                if (!named.isEmpty()) {
                    state.mayHaveDeleted.computeIfAbsent(partition, p -> new HashSet<>()).addAll(named);
                }
                // a filter request in progress: how far it came, and the page whose deletes may have run
                FilterProgress filter = PartitionCommits.filterProgress(commit);
                if (filter != null) {
                    filters.put(partition, filter);
                }
            });
            Map<TopicPartition, Long> ends = endOffsets(consumer, notMetYet);
            for (TopicPartition partition : notMetYet) {
                OffsetAndMetadata commit = committed.get(partition);
                if (commit != null && ends.containsKey(partition) && commit.offset() >= ends.get(partition)) {
                    // nothing uncommitted: no outcome to look for, however old its commit (it would only drag the
                    // search back to that time)
                    state.written.put(partition, new HashSet<>());
                } else if (PartitionCommits.committedAt(commit) != null) {
                    firstOffset.put(partition, commit.offset());
                }
                // without a commit of ours the search would have to start at the beginning: left until it is met
            }
            long since = searchFrom(firstOffset.keySet(), committed, firstTimestamp);
            WrittenOutcomes.Found search;
            try {
                search = writtenOutcomes.find(firstOffset, filters, since);
            } catch (RuntimeException e) {
                // never worse than not searching: those requests are processed again (a second outcome, not none)
                LOG.warn("Could not search the outcome topics for outcomes already written ({}); the uncommitted "
                         + "requests of {} are processed again", e.toString(), firstOffset.keySet());
                search = WrittenOutcomes.Found.NOTHING;
            }
            Map<TopicPartition, Set<Long>> found = search.offsets();
            for (Map.Entry<TopicPartition, FilterProgress> entry : filters.entrySet()) {
                TopicPartition partition = entry.getKey();
                FilterProgress filter = entry.getValue();
                if (found.getOrDefault(partition, Set.of()).contains(filter.offset)) {
                    // its summary was written: the filter request is done
                    continue;
                }
                // the page's outcomes already written are counted, not redone; the rest of it may have been deleted
                search.filterPages().getOrDefault(partition, Map.of()).forEach(filter::done);
                state.filters.put(partition, filter);
            }
            for (TopicPartition partition : firstOffset.keySet()) {
                Set<Long> foundHere = found.getOrDefault(partition, Set.of());
                state.written.put(partition, new HashSet<>(foundHere));
                if (!foundHere.isEmpty()) {
                    // a commit made while these are still ahead of it must let a later search find them again
                    state.writtenSince.put(partition, since);
                }
            }
        }
        List<PollRequest> toProcess = new ArrayList<>(requests.size());
        int skipped = 0;
        for (PollRequest request : requests) {
            Set<Long> written = state.written.get(request.partition);
            if (written != null && written.remove(request.offset)) {
                request.written = true;
                skipped++;
            } else {
                toProcess.add(request);
            }
        }
        if (skipped > 0) {
            LOG.info("{} request(s) already had an outcome record written before a crash or a rebalance; they are "
                     + "committed without being processed again", skipped);
        }
        return toProcess;
    }

    /**
     * A moment before which no outcome of these partitions' uncommitted requests can have been written: the time the
     * last commit keeps in its metadata (this pipeline's own clock), or the oldest request's timestamp when that is
     * later, less a margin for clocks. A request timestamp ahead of this clock is not believed (the producer's clock
     * runs ahead, and would move the start past outcomes already written).
     */
    private static long searchFrom(Set<TopicPartition> partitions, Map<TopicPartition, OffsetAndMetadata> committed,
            Map<TopicPartition, Long> firstTimestamp) {
        long now = System.currentTimeMillis();
        long since = Long.MAX_VALUE;
        for (TopicPartition partition : partitions) {
            Long requestTime = firstTimestamp.get(partition);
            long bound = requestTime != null && requestTime <= now ? requestTime : 0L;
            Long committedAt = PartitionCommits.committedAt(committed.get(partition));
            if (committedAt != null) {
                bound = Math.max(bound, committedAt);
            }
            since = Math.min(since, bound);
        }
        return Math.max(0, since - CLOCK_MARGIN_MILLIS);
    }

    private static Map<TopicPartition, Long> endOffsets(Consumer<?, ?> consumer, Set<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        try {
            return consumer.endOffsets(partitions, Duration.ofSeconds(30));
        } catch (KafkaException e) {
            return Map.of();
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Consumer<?, ?> consumer, Set<TopicPartition> partitions) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions, Duration.ofSeconds(30));
            return committed == null ? Map.of() : committed;
        } catch (KafkaException e) {
            return Map.of();
        }
    }
}
