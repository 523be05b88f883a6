package dev.camelbitrix24.app;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The time a commit is stamped with, where a search for outcomes written past it starts after a crash: while a request
 * stays uncommitted (held, or a filter request running page by page for hours) and the requests behind it were written
 * long ago, every commit keeps the time they were written, however many polls meet them again; once the commit passes
 * them, the stamp moves on.
 */
class CommitStampKeepsWrittenOutcomesFindableTest {

    private static final TopicPartition P = new TopicPartition("requests", 0);
    private final CamelContext camel = new DefaultCamelContext();
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    private PollRequest request(long offset, boolean written) {
        PollRequest request = new PollRequest(new DefaultExchange(camel), consumer, P, offset);
        // an uncommitted request without an outcome (held, or a filter request in progress), or one with its outcome
        request.deferred = !written;
        request.written = written;
        return request;
    }

    private long committedAt() {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(P));
        return PartitionCommits.committedAt(committed.get(P));
    }

    @Test
    void requestsWrittenBehindAnUncommittedOneKeepTheirTimeInEveryLaterCommit() {
        consumer.assign(List.of(P));
        consumer.updateBeginningOffsets(Map.of(P, 0L));
        ConsumerState state = new ConsumerState();
        // offset 0 is a filter request in progress: every poll's commit keeps its progress
        state.filters.put(P, new FilterProgress(0));

        // poll 1 at t=1,000: offset 0 stays uncommitted, offset 1 behind it gets its outcome
        PartitionCommits.commitAndRewind(List.of(request(0, false), request(1, true)), state, 1_000);
        assertThat(committedAt()).isEqualTo(1_000);
        assertThat(PartitionCommits.filterProgress(consumer.committed(Set.of(P)).get(P))).isNotNull();
        assertThat(state.written.get(P)).containsExactly(1L);

        // poll 2, minutes later: both come again; the index counts offset 1 as written as it meets it
        state.written.get(P).remove(1L);
        PartitionCommits.recordAttempts(List.of(request(0, false), request(1, true)), List.of(), Set.of(P), state, 300_000);
        assertThat(committedAt()).as("the commit naming what is attempted").isEqualTo(1_000);
        PartitionCommits.commitAndRewind(List.of(request(0, false), request(1, true)), state, 300_000);
        assertThat(committedAt()).as("offset 1's outcome was written at 1,000: a search must start before it")
                .isEqualTo(1_000);

        // poll 3: offset 0 ends; the commit passes both, and nothing past it is left to find
        state.written.get(P).remove(1L);
        state.filters.remove(P);
        PartitionCommits.commitAndRewind(List.of(request(0, true), request(1, true)), state, 600_000);
        assertThat(consumer.committed(Set.of(P)).get(P).offset()).isEqualTo(2);
        PartitionCommits.commitAndRewind(List.of(request(2, true)), state, 900_000);
        assertThat(committedAt()).isEqualTo(900_000);
    }
}
