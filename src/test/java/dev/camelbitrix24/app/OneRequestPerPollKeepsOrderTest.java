package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The requests of one poll run concurrently, so strict order within a partition takes one request per poll
 * (BITRIX24_CONSUMER_MAX_POLL_RECORDS=1, as the README says): the outcomes are then written in the order of the
 * requests' offsets, even when they arrive as a backlog.
 */
class OneRequestPerPollKeepsOrderTest {

    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    @Test
    void withOneRequestPerPollOutcomesFollowTheOffsets() {
        PipelineTopics topics = env.newTopics("order", 1);
        int requests = 60;
        for (int i = 1; i <= requests; i++) {
            env.kafka.send(topics.requests(), 0, "o-" + i, utf8("{\"id\":" + (400 + i) + "}"), Map.of());
        }
        Map<String, String> settings = env.settings(topics, "order-group");
        settings.put("bitrix24.consumer.max-poll-records", "1");
        try (Pipeline pipeline = Pipeline.start(settings)) {
            env.awaitOutcomes(topics, requests, Duration.ofSeconds(60));
        }
        List<Outcome> outcomes = env.outcomes(topics);
        assertThat(outcomes).hasSize(requests);
        List<Long> writtenInOffsetOrder = outcomes.stream()
                .sorted(Comparator.comparingLong(o -> Long.parseLong(o.header(OutcomeHeaders.ORIGINAL_OFFSET))))
                .map(o -> o.record().offset()).toList();
        // the outcome topic's own offsets say in which order the outcomes were written
        assertThat(writtenInOffsetOrder).isSorted();
    }
}
