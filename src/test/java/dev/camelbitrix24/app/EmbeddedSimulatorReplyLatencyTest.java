package dev.camelbitrix24.app;

import dev.camelbitrix24.simulator.ReplyLatency;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** bitrix24.simulator.reply-latency-ms (BITRIX24_SIMULATOR_REPLY_LATENCY_MS) reaches the embedded simulator. */
class EmbeddedSimulatorReplyLatencyTest {

    private static PipelineSettings settings(String latency) {
        return PipelineSettings.load(Map.of("bitrix24.webhook-url", "", "bitrix24.portal-url", "",
                "bitrix24.simulator.port", "0", "bitrix24.simulator.https-port", "-1", "bitrix24.simulator.seed", "5",
                "bitrix24.simulator.reply-latency-ms", latency));
    }

    @Test
    void aRangeOrAFixedValueIsTheSimulatorsReplyLatency() {
        try (EmbeddedSimulator simulator = EmbeddedSimulator.startUnlessConfigured(settings("550-650"))) {
            assertThat(simulator.control().replyLatency())
                    .isEqualTo(new ReplyLatency(Duration.ofMillis(550), Duration.ofMillis(650)));
            assertThat(simulator.description()).contains("reply latency 550-650 ms");
        }
        try (EmbeddedSimulator simulator = EmbeddedSimulator.startUnlessConfigured(settings("600"))) {
            assertThat(simulator.control().replyLatency())
                    .isEqualTo(new ReplyLatency(Duration.ofMillis(600), Duration.ofMillis(600)));
        }
    }

    @Test
    void zeroOrBlankMeansNone() {
        for (String none : new String[] {"0", ""}) {
            try (EmbeddedSimulator simulator = EmbeddedSimulator.startUnlessConfigured(settings(none))) {
                assertThat(simulator.control().replyLatency()).as("'%s'", none).isEqualTo(ReplyLatency.NONE);
            }
        }
    }
}
