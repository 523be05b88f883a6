package dev.camelbitrix24.app;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.camelbitrix24.app.KafkaTestClient.header;
import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The documented replay command in the zero-setup case, with the pipeline not running: it opens the data folder. */
class ReplayCommandTest {

    @Test
    void withNoBrokerRunningItReplaysFromTheEmbeddedDataFolder(@TempDir Path dir) {
        Path data = dir.resolve("kafka-data");
        int port = EmbeddedKafkaBroker.freePort("127.0.0.1");
        int controllerPort = EmbeddedKafkaBroker.freePort("127.0.0.1");
        PipelineTopics topics = new PipelineTopics("c.requests", "c.succeeded", "c.not-found", "c.rejected", "c.invalid", "c.dlq");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(data).port(port).controllerPort(controllerPort).start();
             KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers())) {
            topics.createMissing(kafka.admin(), 1);
            kafka.send(topics.rejected(), 0, "a", utf8("{\"id\":1}"), Map.of(OutcomeHeaders.OUTCOME, "ACCESS_DENIED"));
            kafka.send(topics.rejected(), 0, "b", utf8("{\"id\":2}"), Map.of(OutcomeHeaders.OUTCOME, "ACCESS_DENIED"));
        }

        PipelineSettings settings = PipelineSettings.load(Map.of(
                "bitrix24.kafka.bootstrap-servers", "",
                "bitrix24.kafka.embedded.port", String.valueOf(port),
                "bitrix24.kafka.embedded.controller-port", String.valueOf(controllerPort),
                "bitrix24.kafka.embedded.data-dir", data.toString(),
                "bitrix24.topic.requests", topics.requests(),
                "bitrix24.topic.rejected", topics.rejected(),
                "bitrix24.topic.dead-letter", topics.deadLetter()));
        DeadLetterReplay.Result result = ReplayCommand.run(settings, "--from", topics.rejected());
        assertThat(result.replayed()).isEqualTo(2);
        assertThat(result.to()).isEqualTo(topics.requests());

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(data).port(port).controllerPort(controllerPort).start();
             KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers())) {
            List<ConsumerRecord<byte[], byte[]>> requests = kafka.readAll(topics.requests());
            assertThat(requests).hasSize(2).allSatisfy(r -> {
                assertThat(header(r, OutcomeHeaders.REPLAY_COUNT)).isEqualTo("1");
                assertThat(header(r, OutcomeHeaders.OUTCOME)).isNull();
            });
        }
        assertThatThrownBy(() -> ReplayCommand.run(settings, "--bogus", "x")).hasMessageContaining("--bogus");
    }
}
