package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A steady stream into one partition: every hand-over of the batching consumer holds a few batches and a part of one,
 * and that part is left for the next poll (a seek back to it) while camel-kafka has already fetched the records behind
 * it. Those records are handed over before the ones fetched again from the seek; processed then, their commit would
 * pass the part left behind, and those requests would never get an outcome. Each request must end exactly once.
 */
class RecordsFetchedBeforeASeekWaitTheirTurnTest {

    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    private static final long FIRST_ID = 200_001;

    @Test
    void aPartialBatchLeftForTheNextPollIsNeverPassedByTheRecordsBehindIt() throws Exception {
        int requests = FireFigures.figure("seek-stream", 4_000, 20_000);
        env.simulator.control().seedActivities(FIRST_ID, requests);
        PipelineTopics topics = env.newTopics("seek-stream", 1);
        Map<String, String> settings = env.settings(topics, "seek-stream-group");
        settings.put("camel.component.bitrix24.batching", "true");
        settings.put("bitrix24.consumer.poll-timeout-ms", "50");
        settings.put("camel.component.bitrix24.rate-plan", "off");
        AtomicReference<Throwable> producerFailed = new AtomicReference<>();
        try (Pipeline pipeline = Pipeline.start(settings)) {
            // about 3,000 requests a second, a few at a time: every 50 ms hand-over holds some 150, a part of a batch
            Thread producer = new Thread(() -> {
                try {
                    for (int i = 0; i < requests; i++) {
                        long id = FIRST_ID + i;
                        env.kafka.send(topics.requests(), 0, "s-" + id, utf8("{\"id\":" + id + "}"), Map.of());
                        if (i % 15 == 14) {
                            Thread.sleep(5);
                        }
                    }
                } catch (Throwable e) {
                    producerFailed.set(e);
                }
            }, "seek-stream-producer");
            producer.start();
            producer.join();
            assertThat(producerFailed.get()).isNull();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() ->
                    env.kafka.committed("seek-stream-group", topics.requests()).getOrDefault(0, 0L) >= requests);
        }
        List<Outcome> outcomes = env.outcomes(topics);
        Set<String> keys = outcomes.stream().map(Outcome::key).collect(Collectors.toSet());
        FireFigures.report("seek stream: %d requests, %d outcomes, %d distinct, %d DELETED", requests, outcomes.size(),
                keys.size(), outcomes.stream().filter(o -> "DELETED".equals(o.header(OutcomeHeaders.OUTCOME))).count());
        assertThat(keys).as("every request committed has its outcome").hasSize(requests);
        assertThat(outcomes).as("and only one").hasSize(requests);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.header(OutcomeHeaders.OUTCOME)).isEqualTo("DELETED"));
    }
}
