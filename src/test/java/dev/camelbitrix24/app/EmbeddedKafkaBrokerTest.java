package dev.camelbitrix24.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.camelbitrix24.app.KafkaTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedKafkaBrokerTest {

    @Test
    void aRestartOnTheSameDataFolderResumesTopicsRecordsAndOffsets(@TempDir Path dir) {
        Path data = dir.resolve("kafka-data");
        int port = EmbeddedKafkaBroker.freePort("127.0.0.1");
        int controllerPort = EmbeddedKafkaBroker.freePort("127.0.0.1");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(data).port(port).controllerPort(controllerPort)
                .defaultPartitions(3).start();
             KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers())) {
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            kafka.send("kept", "k", "{\"id\":1}");
            assertThat(kafka.admin().describeTopics(List.of("kept")).allTopicNames().get()
                    .get("kept").partitions()).hasSize(3);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(Files.exists(data.resolve("meta.properties"))).isTrue();

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(data).port(port).controllerPort(controllerPort)
                .start();
             KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers())) {
            assertThat(kafka.readAll("kept")).singleElement().satisfies(r -> assertThat(text(r.value())).isEqualTo("{\"id\":1}"));
        }
        assertThat(Files.exists(data)).as("a named data folder is kept").isTrue();
    }
}
