package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scaling out on a consumer group: two instances against one broker split the partitions and the work; when one
 * stops, the other takes over its partitions and every request still gets exactly one outcome.
 */
class TwoInstancesShareAndHandOverPartitionsTest {

    private static final int PARTITIONS = 4;
    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    @Test
    void theWorkIsSplitAndAStoppedInstanceHandsItsPartitionsOver() {
        PipelineTopics topics = env.newTopics("scale", PARTITIONS);
        String group = "scale-group";
        Map<String, String> settings = env.settings(topics, group);

        Pipeline a = Pipeline.start(settings);
        CompletedExchangeCounter countedByA = counter(a);
        settings.put("camel.main.name", "scale-b");
        try (Pipeline b = Pipeline.start(settings)) {
            CompletedExchangeCounter countedByB = counter(b);
            await().atMost(Duration.ofSeconds(30)).until(() -> env.assignment(group).size() == 2
                    && env.assignment(group).values().stream().allMatch(p -> p == PARTITIONS / 2));

            send(topics, 1, 120);
            env.awaitOutcomes(topics, 120, Duration.ofSeconds(60));
            int doneByA = countedByA.completed();
            int doneByB = countedByB.completed();
            assertThat(doneByA + doneByB).isEqualTo(120);
            assertThat(doneByA).as("instance a's share").isBetween(30, 90);
            assertThat(doneByB).as("instance b's share").isBetween(30, 90);

            // a stops while the next requests arrive; b takes all its partitions over and finishes them
            send(topics, 121, 150);
            a.close();
            send(topics, 151, 240);
            await().atMost(Duration.ofSeconds(30)).until(() -> env.assignment(group).size() == 1
                    && env.assignment(group).values().iterator().next() == PARTITIONS);
            env.awaitOutcomes(topics, 240, Duration.ofSeconds(90));
            assertThat(countedByA.completed() + countedByB.completed()).isEqualTo(240);
            assertThat(countedByB.completed() - doneByB).as("b after the hand-over").isGreaterThanOrEqualTo(90);
            LoggerFactory.getLogger(getClass()).info("Split of the first 120: a {}, b {}; in all: a {}, b {}", doneByA, doneByB,
                    countedByA.completed(), countedByB.completed());
        } finally {
            a.close();
        }

        List<Outcome> outcomes = env.outcomes(topics);
        Map<String, Long> perKey = outcomes.stream().collect(Collectors.groupingBy(Outcome::key, Collectors.counting()));
        // exactly one outcome each: a stops gracefully (its last poll finishes and commits before it leaves), and
        // records it had fetched but not processed are dropped, not committed, and processed by b
        LoggerFactory.getLogger(getClass()).info("Outcomes {} for 240 requests", outcomes.size());
        assertThat(perKey).hasSize(240).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
        assertThat(outcomes).allSatisfy(o -> assertThat(o.topic()).isEqualTo(topics.succeeded()));
        assertThat(env.kafka.committed(group, topics.requests()).values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(240);
    }

    private static void send(PipelineTopics topics, int from, int to) {
        for (int i = from; i <= to; i++) {
            env.kafka.send(topics.requests(), i % PARTITIONS, "s-" + i,
                    utf8("{\"id\":" + i + ",\"requestId\":\"s-" + i + "\"}"), Map.of());
        }
    }

    /** Counts what the instance completes from now on. */
    private static CompletedExchangeCounter counter(Pipeline pipeline) {
        CompletedExchangeCounter counter = new CompletedExchangeCounter();
        pipeline.camelContext().getManagementStrategy().addEventNotifier(counter);
        ServiceHelper.startService(counter);
        assertThat(pipeline.camelContext().getCamelContextExtension().isEventNotificationApplicable()).isTrue();
        return counter;
    }
}
