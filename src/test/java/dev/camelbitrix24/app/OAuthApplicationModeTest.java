package dev.camelbitrix24.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.simulator.SimulatorControl;
import dev.camelbitrix24.simulator.TokenPair;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline configured as an OAuth application (the contract's BITRIX24_PORTAL_URL ... variables, as settings):
 * an access token that expires mid-stream is refreshed, the rotated pair is kept on the compacted token topic (or, with
 * {@code bitrix24.token-store=file}, in the token file), and no token or secret reaches an outcome record.
 */
class OAuthApplicationModeTest {

    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    @Test
    void anExpiredAccessTokenIsRefreshedAndTheNewPairIsKeptOnTheCompactedTokenTopic() throws Exception {
        PipelineTopics t = env.newTopics("oauth-kafka", 1);
        SimulatorControl control = env.simulator.control();
        control.registerOAuthApp("pipeline.kafka.app", "app-secret-9c2d");
        TokenPair tokens = control.issueTokens("pipeline.kafka.app", 1);
        Map<String, String> settings = env.oauthSettings(t, "oauth-kafka-group", "pipeline.kafka.app", "app-secret-9c2d", tokens);
        String tokenTopic = settings.get("bitrix24.topic.oauth-tokens");
        long refreshesBefore = control.tokenRefreshCount();

        try (Pipeline pipeline = Pipeline.start(settings)) {
            env.kafka.send(t.requests(), null, "a", utf8("{\"id\":72,\"requestId\":\"a\"}"), Map.of());
            await().atMost(Duration.ofSeconds(30)).until(() -> env.kafka.readAll(t.succeeded()).size() == 1);
            control.expireAccessTokens();
            env.kafka.send(t.requests(), null, "b", utf8("{\"id\":73,\"requestId\":\"b\"}"), Map.of());
            await().atMost(Duration.ofSeconds(30)).until(() -> env.kafka.readAll(t.succeeded()).size() == 2);
        }
        assertThat(control.tokenRefreshCount() - refreshesBefore).isEqualTo(1);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, tokenTopic);
        assertThat(env.kafka.admin().describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource)
                .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        List<ConsumerRecord<byte[], byte[]>> kept = env.kafka.readAll(tokenTopic);
        assertThat(kept).as("one refresh, one record").hasSize(1);
        assertThat(KafkaTestClient.text(kept.get(0).key())).isEqualTo("pipeline.kafka.app " + env.simulator.baseUrl().replaceAll("/+$", ""));
        assertThat(KafkaTestClient.text(kept.get(0).value())).contains("refreshToken")
                .doesNotContain(tokens.refreshToken()).doesNotContain(tokens.accessToken());
        assertThat(env.outcomes(t)).hasSize(2).allSatisfy(o -> assertThat(o.topic()).isEqualTo(t.succeeded()));
    }

    @Test
    void withTheFileStoreTheNewPairIsKeptInTheTokenFile(@TempDir Path dir) throws Exception {
        PipelineTopics t = env.newTopics("oauth", 1);
        SimulatorControl control = env.simulator.control();
        control.registerOAuthApp("pipeline.app", "app-secret-7f3a");
        TokenPair tokens = control.issueTokens("pipeline.app", 1);
        Path tokenFile = dir.resolve("tokens.json");

        Map<String, String> settings = env.oauthSettings(t, "oauth-group", "pipeline.app", "app-secret-7f3a", tokens);
        settings.put("bitrix24.token-store", "file");
        long refreshesBefore = control.tokenRefreshCount();
        settings.put("bitrix24.token-file", tokenFile.toString());

        try (Pipeline pipeline = Pipeline.start(settings)) {
            env.kafka.send(t.requests(), null, "a", utf8("{\"id\":70,\"requestId\":\"a\"}"), Map.of());
            await().atMost(Duration.ofSeconds(30)).until(() -> env.kafka.readAll(t.succeeded()).size() == 1);
            control.expireAccessTokens();
            env.kafka.send(t.requests(), null, "b", utf8("{\"id\":71,\"requestId\":\"b\"}"), Map.of());
            await().atMost(Duration.ofSeconds(30)).until(() -> env.kafka.readAll(t.succeeded()).size() == 2);
        }
        assertThat(control.tokenRefreshCount() - refreshesBefore).isEqualTo(1);
        assertThat(control.activityExists(70)).isFalse();
        assertThat(control.activityExists(71)).isFalse();
        String kept = Files.readString(tokenFile);
        assertThat(kept).doesNotContain(tokens.refreshToken()).contains("refreshToken");

        List<Outcome> outcomes = env.outcomes(t);
        assertThat(outcomes).hasSize(2).allSatisfy(o -> {
            assertThat(o.topic()).isEqualTo(t.succeeded());
            String all = o.value() + o.record().headers().toString();
            assertThat(all).doesNotContain(tokens.accessToken()).doesNotContain(tokens.refreshToken())
                    .doesNotContain("app-secret-7f3a");
        });
    }
}
