package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Offsets move only behind acknowledged outcomes: sampled while the stream runs, every committed offset has its
 * outcomes written before the sample was taken; after a stop mid-stream the committed offsets are exactly the
 * outcomes written; a restart finishes the rest with exactly one outcome per request.
 */
class OffsetsCommittedOnlyAfterOutcomesTest {

    private static final int REQUESTS = 300;
    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    /** A committed offset seen at a moment. */
    private record Sample(long at, Map<Integer, Long> committed) {
    }

    @Test
    void aStopMidStreamLosesNothingAndARestartFinishesWithExactlyOneOutcomeEach() throws Exception {
        PipelineTopics topics = env.newTopics("offsets", 2);
        String group = "offsets-group";
        ExecutorService background = Executors.newFixedThreadPool(2);
        List<RecordMetadata> sent = Collections.synchronizedList(new ArrayList<>());
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        Future<?> producing;
        Map<Integer, Long> committedAtStop;
        try (Pipeline first = Pipeline.start(env.settings(topics, group))) {
            producing = background.submit(() -> {
                for (int i = 1; i <= REQUESTS; i++) {
                    sent.add(env.kafka.send(topics.requests(), i % 2, "k-" + i,
                            utf8("{\"id\":" + i + ",\"requestId\":\"o-" + i + "\"}"), Map.of()));
                    sleep(8);
                }
            });
            Future<?> sampling = background.submit(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    // the time is read after the offsets: whatever they show was committed before it
                    Map<Integer, Long> committed = env.kafka.committed(group, topics.requests());
                    samples.add(new Sample(System.currentTimeMillis(), committed));
                    if (!sleep(40)) {
                        return;
                    }
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> env.kafka.readAll(topics.succeeded()).size() >= REQUESTS / 3);
            sampling.cancel(true);
        }
        committedAtStop = env.kafka.committed(group, topics.requests());
        List<Outcome> afterStop = env.outcomes(topics);
        assertThat(afterStop).hasSizeLessThan(REQUESTS);

        // stopped mid-stream: for each partition, outcomes exist for exactly the offsets below the committed one
        for (int partition = 0; partition < 2; partition++) {
            long committed = committedAtStop.getOrDefault(partition, 0L);
            Set<Long> offsets = offsetsWithOutcome(afterStop, partition);
            assertThat(offsets).as("partition %d, committed %d", partition, committed)
                    .isEqualTo(range(committed));
        }
        // while it ran: an offset was committed only after its outcome had been written
        Map<String, Long> outcomeTime = afterStop.stream().collect(Collectors.toMap(
                o -> o.header(OutcomeHeaders.ORIGINAL_PARTITION) + "@" + o.header(OutcomeHeaders.ORIGINAL_OFFSET),
                o -> o.record().timestamp(), (a, b) -> Math.min(a, b)));
        int checked = 0;
        for (Sample sample : new ArrayList<>(samples)) {
            for (Map.Entry<Integer, Long> e : sample.committed().entrySet()) {
                for (long offset = 0; offset < e.getValue(); offset++) {
                    Long written = outcomeTime.get(e.getKey() + "@" + offset);
                    assertThat(written).as("outcome of %d@%d committed by %d", e.getKey(), offset, sample.at()).isNotNull();
                    assertThat(written).isLessThanOrEqualTo(sample.at());
                    checked++;
                }
            }
        }
        assertThat(checked).as("samples taken mid-stream").isPositive();
        LoggerFactory.getLogger(getClass()).info("Stopped mid-stream with {} of {} outcomes, committed {}; {} samples, {} committed"
                + " offsets checked against outcome times", afterStop.size(), REQUESTS, committedAtStop, samples.size(), checked);

        producing.get(60, TimeUnit.SECONDS);
        background.shutdownNow();
        try (Pipeline second = Pipeline.start(env.settings(topics, group))) {
            env.awaitOutcomes(topics, REQUESTS, Duration.ofSeconds(90));
        }
        List<Outcome> all = env.outcomes(topics);
        Map<String, Long> perKey = all.stream().collect(Collectors.groupingBy(Outcome::key, Collectors.counting()));
        assertThat(all).hasSize(REQUESTS);
        assertThat(perKey).hasSize(REQUESTS).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
        assertThat(all).allSatisfy(o -> assertThat(o.topic()).isEqualTo(topics.succeeded()));
        Map<String, RecordMetadata> byKey = new HashMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            byKey.put("k-" + (i + 1), sent.get(i));
        }
        assertThat(all).allSatisfy(o -> assertThat(o.header(OutcomeHeaders.ORIGINAL_OFFSET))
                .isEqualTo(String.valueOf(byKey.get(o.key()).offset())));
        // order within a partition is kept between polls only, the requests of one poll run concurrently:
        // OneRequestPerPollKeepsOrderTest checks the strict order of max-poll-records=1
        for (int id = 1; id <= REQUESTS; id++) {
            assertThat(env.simulator.control().activityExists(id)).as("activity %d", id).isFalse();
        }
        assertThat(env.kafka.committed(group, topics.requests()).values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(REQUESTS);
    }

    private static Set<Long> offsetsWithOutcome(List<Outcome> outcomes, int partition) {
        return outcomes.stream()
                .filter(o -> String.valueOf(partition).equals(o.header(OutcomeHeaders.ORIGINAL_PARTITION)))
                .map(o -> Long.parseLong(o.header(OutcomeHeaders.ORIGINAL_OFFSET)))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<Long> range(long endExclusive) {
        Set<Long> s = new TreeSet<>();
        for (long i = 0; i < endExclusive; i++) {
            s.add(i);
        }
        return s;
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
