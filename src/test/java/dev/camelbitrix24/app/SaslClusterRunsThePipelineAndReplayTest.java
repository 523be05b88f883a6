package dev.camelbitrix24.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.simulator.Bitrix24Simulator;
import dev.camelbitrix24.simulator.FaultSpec;
import dev.camelbitrix24.simulator.RatePlan;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cluster that takes SASL clients only (PLAIN over SASL_PLAINTEXT, no plaintext listener, no topic created on first
 * use), configured through the KAFKA_* variables alone: the pipeline JVM creates its topics, deletes, dead-letters a
 * request that outlived its retries, and the replay command's JVM puts it back, after which it is deleted. Neither
 * JVM prints the JAAS password.
 */
class SaslClusterRunsThePipelineAndReplayTest {

    private static final String PASSWORD = "saslPa55wordNeverPrinted";

    @Test
    void thePipelineAndTheReplayCommandWorkOnASaslOnlyCluster(@TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().temporaryDataDir()
                     .saslPlain("pipeline", PASSWORD).autoCreateTopics(false).start();
             KafkaTestClient kafka = new KafkaTestClient(broker.clientSettings());
             Bitrix24Simulator simulator = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).webhookCode("simulator")
                     .seed(1000).ratePlan(RatePlan.OFF).start()) {
            PipelineTopics topics = new PipelineTopics("sasl.requests", "sasl.succeeded", "sasl.not-found", "sasl.rejected",
                    "sasl.invalid", "sasl.dlq");
            Map<String, String> env = PipelineProcess.environment(broker.bootstrapServers(), simulator.webhookUrl(), topics);
            env.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
            env.put("KAFKA_SASL_MECHANISM", "PLAIN");
            env.put("KAFKA_SASL_JAAS_CONFIG", (String) broker.clientSettings().get(SaslConfigs.SASL_JAAS_CONFIG));
            assertThat(env.get("KAFKA_SASL_JAAS_CONFIG")).contains(PASSWORD);
            Map<String, String> properties = new HashMap<>();
            properties.put("camel.main.name", "sasl-pipeline");
            properties.put("camel.management.enabled", "false");
            properties.put("bitrix24.consumer.group-id", "sasl-group");
            properties.put("bitrix24.consumer.poll-timeout-ms", "200");
            properties.put("bitrix24.topics.partitions", "1");
            properties.put("camel.component.bitrix24.max-attempts", "2");
            properties.put("camel.component.bitrix24.initial-backoff", "10");

            try (PipelineProcess pipeline = new PipelineProcess(env, properties, dir.resolve("pipeline.log"));
                 PipelineProcess replay = new PipelineProcess(env, Map.of(), dir.resolve("replay.log"), "replay")) {
                pipeline.start();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                        kafka.admin().listTopics().names().get(5, TimeUnit.SECONDS).containsAll(topics.all()));
                ConfigResource dlq = new ConfigResource(ConfigResource.Type.TOPIC, topics.deadLetter());
                Config dlqConfig = kafka.admin().describeConfigs(List.of(dlq)).all().get(10, TimeUnit.SECONDS).get(dlq);
                assertThat(dlqConfig.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value())
                        .as("created by the pipeline, with its outcome-topic settings")
                        .isEqualTo(String.valueOf(PipelineTopics.OUTCOME_MAX_MESSAGE_BYTES));

                // every call fails until the request is on the dead-letter topic
                simulator.control().injectFault(FaultSpec.internalServerError());
                kafka.send(topics.requests(), "failing", "{\"id\":11,\"requestId\":\"failing\"}");
                await().atMost(Duration.ofSeconds(30)).until(() -> kafka.readAll(topics.deadLetter()).size() == 1);
                simulator.control().clearFaults();
                for (int id = 12; id <= 14; id++) {
                    kafka.send(topics.requests(), "k" + id, "{\"id\":" + id + "}");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> kafka.readAll(topics.succeeded()).size() == 3);

                replay.start();
                assertThat(replay.awaitExit(Duration.ofSeconds(60))).as(replay.output()).isZero();
                assertThat(replay.output()).contains("Replayed 1 record(s) from " + topics.deadLetter());
                await().atMost(Duration.ofSeconds(30)).until(() -> kafka.readAll(topics.succeeded()).size() == 4);
                for (long id = 11; id <= 14; id++) {
                    assertThat(simulator.control().activityExists(id)).as("activity %d", id).isFalse();
                }
                assertThat(kafka.readAll(topics.requests())).hasSize(5);

                pipeline.stop(Duration.ofSeconds(30));
                assertThat(pipeline.output()).contains("Bitrix24 deletion pipeline is running", "(SASL_PLAINTEXT, PLAIN)");
                assertThat(pipeline.output()).as("the pipeline's output").doesNotContain(PASSWORD);
                assertThat(replay.output()).as("the replay command's output").doesNotContain(PASSWORD);
            }
        }
    }
}
