package dev.camelbitrix24.app;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import dev.camelbitrix24.component.Bitrix24PortalWait;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request consumer's partitions while the portal waits: paused after every poll, a partition the consumer gets
 * back from a rebalance (which resumes it) paused again, and only what the listener paused resumed when the wait ends.
 */
class PortalWaitListenerTest {

    private static final TopicPartition P0 = new TopicPartition("requests", 0);
    private static final TopicPartition P1 = new TopicPartition("requests", 1);

    @Test
    void partitionsStayPausedThroughARebalanceAndResumeWhenTheWaitEnds() {
        long[] now = {1_000_000};
        PortalWaitPause pause = new PortalWaitPause(() -> now[0]);
        PortalWaitListener listener = new PortalWaitListener(pause);
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        consumer.assign(List.of(P0, P1));

        listener.afterConsume(consumer);
        assertThat(consumer.paused()).as("no wait: nothing paused").isEmpty();

        pause.pauseUntil(new Bitrix24PortalWait(Bitrix24PortalWait.Reason.OPERATING_TIME_LIMIT,
                Instant.ofEpochMilli(now[0] + 5_000), Instant.ofEpochMilli(now[0]), "window spent"));
        listener.afterConsume(consumer);
        assertThat(consumer.paused()).containsExactlyInAnyOrder(P0, P1);

        // a rebalance gives the consumer the same partitions back, no longer paused
        consumer.resume(Set.of(P0, P1));
        listener.afterConsume(consumer);
        assertThat(consumer.paused()).as("paused again while the wait lasts").containsExactlyInAnyOrder(P0, P1);

        now[0] += 5_000;
        listener.afterConsume(consumer);
        assertThat(consumer.paused()).as("the wait is over").isEmpty();
    }
}
