package dev.camelbitrix24.app;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.camelbitrix24.app.KafkaTestClient.header;
import static dev.camelbitrix24.app.KafkaTestClient.text;
import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** The replay command on a real broker, without the routes: what it moves, what it leaves, what it commits. */
class DeadLetterReplayTest {

    private static EmbeddedKafkaBroker broker;
    private static KafkaTestClient kafka;
    private static final PipelineTopics TOPICS = new PipelineTopics("r.requests", "r.succeeded", "r.not-found",
            "r.rejected", "r.invalid", "r.dlq");

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().temporaryDataDir().start();
        kafka = new KafkaTestClient(broker.bootstrapServers());
        TOPICS.createMissing(kafka.admin(), 2);
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
        broker.close();
    }

    private static Map<String, String> deadLetterHeaders(String replayCount) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("trace-id", "t-1");
        h.put(OutcomeHeaders.OUTCOME, "SERVER_ERROR");
        h.put(OutcomeHeaders.ERROR_CODE, "INTERNAL_SERVER_ERROR");
        h.put(OutcomeHeaders.ATTEMPTS, "3");
        h.put(OutcomeHeaders.ORIGINAL_OFFSET, "17");
        if (replayCount != null) {
            h.put(OutcomeHeaders.REPLAY_COUNT, replayCount);
        }
        return h;
    }

    @Test
    void movesWhatIsThereWhenItStartsAndStopsAfterTheRoundLimit() {
        kafka.send(TOPICS.deadLetter(), 0, "k1", utf8("{\"id\":1}"), deadLetterHeaders(null));
        kafka.send(TOPICS.deadLetter(), 1, "k2", utf8("{\"id\":2}"), deadLetterHeaders("1"));
        kafka.send(TOPICS.deadLetter(), 0, "k3", utf8("{\"id\":3}"), deadLetterHeaders("2"));
        kafka.send(TOPICS.deadLetter(), 1, "k4", utf8("{\"id\":4}"), deadLetterHeaders("3"));
        kafka.send(TOPICS.deadLetter(), 0, null, null, deadLetterHeaders(null));

        DeadLetterReplay replay = new DeadLetterReplay(settingsOf(broker), "replay-test", 3);
        DeadLetterReplay.Result first = replay.replay(TOPICS.deadLetter(), TOPICS.requests());

        assertThat(first.replayed()).isEqualTo(4);
        assertThat(first.exhausted()).isEqualTo(1);
        List<ConsumerRecord<byte[], byte[]>> replayed = kafka.readAll(TOPICS.requests());
        assertThat(replayed).hasSize(4);
        Map<String, String> countByKey = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : replayed) {
            countByKey.put(text(r.key()), header(r, OutcomeHeaders.REPLAY_COUNT));
            assertThat(header(r, "trace-id")).isEqualTo("t-1");
            assertThat(header(r, OutcomeHeaders.OUTCOME)).isNull();
            assertThat(header(r, OutcomeHeaders.ERROR_CODE)).isNull();
            assertThat(header(r, OutcomeHeaders.ORIGINAL_OFFSET)).isNull();
            assertThat(r.headers().headers(OutcomeHeaders.REPLAY_COUNT)).hasSize(1);
            if (r.key() != null) {
                assertThat(text(r.value())).isEqualTo("{\"id\":" + text(r.key()).substring(1) + "}");
            } else {
                assertThat(r.value()).isNull();
            }
        }
        assertThat(countByKey).containsEntry("k1", "1").containsEntry("k2", "2").containsEntry("k3", "3")
                .containsEntry(null, "1").doesNotContainKey("k4");

        // a second run finds nothing new; one more dead letter later is replayed alone
        assertThat(replay.replay(TOPICS.deadLetter(), TOPICS.requests()).replayed()).isZero();
        kafka.send(TOPICS.deadLetter(), 1, "k5", utf8("{\"id\":5}"), deadLetterHeaders(null));
        DeadLetterReplay.Result third = replay.replay(TOPICS.deadLetter(), TOPICS.requests());
        assertThat(third.replayed()).isEqualTo(1);
        assertThat(third.exhausted()).isZero();
        assertThat(kafka.readAll(TOPICS.requests())).hasSize(5);
        assertThat(kafka.committed("replay-test", TOPICS.deadLetter())).containsEntry(0, 3L).containsEntry(1, 3L);
    }

    @Test
    void aMissingTopicIsNothingToReplay() {
        DeadLetterReplay.Result result = new DeadLetterReplay(settingsOf(broker), "replay-none", 3)
                .replay("no.such.topic", TOPICS.requests());
        assertThat(result.replayed()).isZero();
    }

    /** The pipeline's Kafka client settings pointed at this broker. */
    private static KafkaClientSettings settingsOf(EmbeddedKafkaBroker broker) {
        return KafkaClientSettings.from(PipelineSettings.load(Map.of("bitrix24.kafka.bootstrap-servers", broker.bootstrapServers())));
    }
}
