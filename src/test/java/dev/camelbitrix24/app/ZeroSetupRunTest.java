package dev.camelbitrix24.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run command with nothing configured but its ports (ephemeral here, 9092/8089 for real): it embeds a broker and
 * the simulator, creates the topics, starts the routes, and the demo's mix lands where it belongs.
 */
class ZeroSetupRunTest {

    @Test
    void withNothingConfiguredTheDemoMixLandsOnEveryTopic(@TempDir Path dir) {
        Map<String, String> o = new HashMap<>();
        o.put("bitrix24.kafka.bootstrap-servers", "");
        o.put("bitrix24.webhook-url", "");
        o.put("bitrix24.portal-url", "");
        o.put("bitrix24.kafka.embedded.port", String.valueOf(EmbeddedKafkaBroker.freePort("127.0.0.1")));
        o.put("bitrix24.kafka.embedded.controller-port", String.valueOf(EmbeddedKafkaBroker.freePort("127.0.0.1")));
        o.put("bitrix24.kafka.embedded.data-dir", dir.resolve("kafka-data").toString());
        o.put("bitrix24.simulator.port", "0");
        o.put("bitrix24.simulator.https-port", "-1");
        o.put("bitrix24.demo.wait-seconds", "60");
        o.put("camel.management.enabled", "false");
        o.put("camel.main.name", "zero-setup");
        o.put("camel.component.bitrix24.max-attempts", "2");
        o.put("camel.component.bitrix24.initial-backoff", "20");
        PipelineSettings settings = PipelineSettings.load(o);
        PipelineTopics topics = PipelineTopics.from(settings);

        Deque<AutoCloseable> started = new ArrayDeque<>();
        Map<String, Integer> counts;
        try {
            counts = PipelineApplication.start(settings, true, started);
            assertThat(started).hasSize(3);
            assertThat(started.peek()).as("the routes stop first").isInstanceOf(Pipeline.class);
            assertThat(started.peekLast()).as("the broker stops last").isInstanceOf(EmbeddedKafkaBroker.class);
        } finally {
            PipelineApplication.closeAll(started);
        }
        assertThat(counts).containsEntry(topics.succeeded(), 10).containsEntry(topics.notFound(), 3)
                .containsEntry(topics.rejected(), 2).containsEntry(topics.invalid(), 4).containsEntry(topics.deadLetter(), 1);
        assertThat(started).isEmpty();
        assertThat(Files.exists(dir.resolve("kafka-data").resolve("meta.properties"))).as("data kept for a restart").isTrue();
    }
}
