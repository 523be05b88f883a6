package dev.camelbitrix24.app;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineSettingsTest {

    @Test
    void theDefaultsAreTheContractsTopicsAndNothingExternalIsConfigured() {
        PipelineSettings settings = PipelineSettings.load();
        assertThat(PipelineTopics.from(settings)).isEqualTo(new PipelineTopics("bitrix24.crm.activity.delete",
                "bitrix24.crm.activity.delete.succeeded", "bitrix24.crm.activity.delete.not-found",
                "bitrix24.crm.activity.delete.rejected", "bitrix24.crm.activity.delete.invalid",
                "bitrix24.crm.activity.delete.dlq"));
        // these hold unless the machine running the tests sets the contract's variables
        if (System.getenv("KAFKA_BOOTSTRAP_SERVERS") == null) {
            assertThat(settings.isSet("bitrix24.kafka.bootstrap-servers")).isFalse();
            assertThat(settings.get("bitrix24.kafka.embedded.port")).isEqualTo("9092");
        }
        if (System.getenv("BITRIX24_WEBHOOK_URL") == null) {
            assertThat(settings.isSet("bitrix24.webhook-url")).isFalse();
        }
        assertThat(settings.getBoolean("bitrix24.not-found-as-success")).isFalse();
        assertThat(settings.getInt("bitrix24.replay.max-rounds")).isEqualTo(3);
    }

    @Test
    void overridesAndSystemPropertiesWinOverTheFile() {
        PipelineSettings settings = PipelineSettings.load(Map.of("bitrix24.topic.requests", "mine"));
        assertThat(settings.get("bitrix24.topic.requests")).isEqualTo("mine");
        assertThat(settings.with(Map.of("bitrix24.replay.max-rounds", "7")).getInt("bitrix24.replay.max-rounds")).isEqualTo(7);

        System.setProperty("bitrix24.consumer.max-poll-records", "3");
        try {
            assertThat(PipelineSettings.load().getInt("bitrix24.consumer.max-poll-records")).isEqualTo(3);
        } finally {
            System.clearProperty("bitrix24.consumer.max-poll-records");
        }
        assertThat(PipelineSettings.load().get("no.such.key", "fallback")).isEqualTo("fallback");
    }
}
