package dev.camelbitrix24.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.simulator.SimulatorControl;
import dev.camelbitrix24.simulator.TokenPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline configured as an OAuth application (the contract's BITRIX24_PORTAL_URL ... variables, as settings):
 * an access token that expires mid-stream is refreshed, the rotated pair is kept in the token file, and no token or
 * secret reaches a record.
 */
class OAuthApplicationModeTest {

    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    @Test
    void anExpiredAccessTokenIsRefreshedAndTheNewPairIsKept(@TempDir Path dir) throws Exception {
        PipelineTopics t = env.newTopics("oauth", 1);
        SimulatorControl control = env.simulator.control();
        control.registerOAuthApp("pipeline.app", "app-secret-7f3a");
        TokenPair tokens = control.issueTokens("pipeline.app", 1);
        Path tokenFile = dir.resolve("tokens.json");

        Map<String, String> settings = env.settings(t, "oauth-group");
        settings.put("bitrix24.webhook-url", "");
        settings.put("bitrix24.portal-url", env.simulator.baseUrl());
        settings.put("bitrix24.client-id", "pipeline.app");
        settings.put("bitrix24.client-secret", "app-secret-7f3a");
        settings.put("bitrix24.access-token", tokens.accessToken());
        settings.put("bitrix24.refresh-token", tokens.refreshToken());
        settings.put("camel.component.bitrix24.oauth-token-url", env.simulator.oauthTokenUrl());
        settings.put("bitrix24.token-file", tokenFile.toString());

        try (Pipeline pipeline = Pipeline.start(settings)) {
            env.kafka.send(t.requests(), null, "a", utf8("{\"id\":70,\"requestId\":\"a\"}"), Map.of());
            await().atMost(Duration.ofSeconds(30)).until(() -> env.kafka.readAll(t.succeeded()).size() == 1);
            control.expireAccessTokens();
            env.kafka.send(t.requests(), null, "b", utf8("{\"id\":71,\"requestId\":\"b\"}"), Map.of());
            await().atMost(Duration.ofSeconds(30)).until(() -> env.kafka.readAll(t.succeeded()).size() == 2);
        }
        assertThat(control.tokenRefreshCount()).isEqualTo(1);
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
