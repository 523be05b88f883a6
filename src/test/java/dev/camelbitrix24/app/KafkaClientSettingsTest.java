package dev.camelbitrix24.app;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every Kafka client takes camel-kafka's camel.component.kafka.* settings, read the way Camel Main reads them. */
class KafkaClientSettingsTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
                                       + "username=\"pipeline\" password=\"scramS3cret\";";

    @Test
    void securitySettingsReachEveryKindOfClientAndAreNeverDescribed() {
        KafkaClientSettings kafka = KafkaClientSettings.from(PipelineSettings.load(Map.of(
                "bitrix24.kafka.bootstrap-servers", "kafka-1:9093,kafka-2:9093",
                "camel.component.kafka.security-protocol", "SASL_SSL",
                "camel.component.kafka.sasl-mechanism", "SCRAM-SHA-256",
                "camel.component.kafka.sasl-jaas-config", JAAS,
                "camel.component.kafka.ssl-truststore-location", "/etc/kafka/truststore.p12",
                "camel.component.kafka.ssl-truststore-password", "trustPa55",
                "camel.component.kafka.ssl-truststore-type", "PKCS12")));

        Map<String, Object> expected = Map.of("bootstrap.servers", "kafka-1:9093,kafka-2:9093",
                "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-256", "sasl.jaas.config", JAAS,
                "ssl.truststore.location", "/etc/kafka/truststore.p12", "ssl.truststore.password", "trustPa55",
                "ssl.truststore.type", "PKCS12");
        assertThat(kafka.admin()).containsAllEntriesOf(expected).doesNotContainKeys("key.deserializer", "acks");
        assertThat(kafka.consumer()).containsAllEntriesOf(expected);
        assertThat(kafka.producer()).containsAllEntriesOf(expected);
        assertThat(kafka.describe()).isEqualTo("SASL_SSL, SCRAM-SHA-256");
        assertThat(kafka.toString()).doesNotContain("scramS3cret").doesNotContain("trustPa55");
    }

    @Test
    void anOptionSetOnlyOutsideTheFileCountsAsCamelMainCountsIt() {
        // application.properties names no ssl-key-password: it comes from the JVM (or CAMEL_COMPONENT_KAFKA_SSL_KEY_PASSWORD)
        System.setProperty("camel.component.kafka.ssl-key-password", "keyPa55");
        try {
            KafkaClientSettings kafka = KafkaClientSettings.from(PipelineSettings.load(Map.of(
                    "bitrix24.kafka.bootstrap-servers", "kafka-1:9093",
                    "camel.component.kafka.security-protocol", "SSL",
                    "camel.component.kafka.ssl-keystore-location", "/etc/kafka/client.p12",
                    "camel.component.kafka.ssl-keystore-password", "storePa55")));
            assertThat(kafka.admin()).containsEntry("ssl.key.password", "keyPa55")
                    .containsEntry("ssl.keystore.password", "storePa55").containsEntry("security.protocol", "SSL");
            assertThat(kafka.toString()).doesNotContain("Pa55");
        } finally {
            System.clearProperty("camel.component.kafka.ssl-key-password");
        }
    }

    @Test
    void unsetSecuritySettingsLeaveAPlaintextClient() {
        KafkaClientSettings kafka = KafkaClientSettings.from(PipelineSettings.load(Map.of(
                "bitrix24.kafka.bootstrap-servers", "127.0.0.1:9092")));
        // these hold unless the machine running the tests sets the variables
        if (System.getenv("KAFKA_SECURITY_PROTOCOL") == null && System.getenv("KAFKA_SASL_JAAS_CONFIG") == null) {
            assertThat(kafka.admin()).containsEntry("security.protocol", "PLAINTEXT")
                    .doesNotContainKeys("sasl.jaas.config", "ssl.truststore.location", "ssl.key.password");
            assertThat(kafka.describe()).isEqualTo("PLAINTEXT");
        }
        assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    }
}
