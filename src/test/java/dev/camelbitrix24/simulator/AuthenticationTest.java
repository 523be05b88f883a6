package dev.camelbitrix24.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Webhook codes and scopes, OAuth tokens that expire, refresh with rotation, and a spent refresh token. */
class AuthenticationTest {

    private static Bitrix24Simulator sim;
    private static final SimulatorHttpClient http = new SimulatorHttpClient();

    @BeforeAll
    static void start() {
        sim = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).seed(100).ratePlan(RatePlan.OFF).start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.control().reset();
        sim.control().registerOAuthApp("app.auth", "secret-1");
    }

    private SimulatorHttpClient.Reply refresh(String clientId, String secret, String refreshToken) throws Exception {
        return http.get(sim.oauthTokenUrl() + "?grant_type=refresh_token&client_id=" + clientId
                + "&client_secret=" + secret + "&refresh_token=" + refreshToken);
    }

    @Test
    void wrongWebhookCodeOrWrongUserIsRefused() throws Exception {
        SimulatorHttpClient.Reply wrongCode = http.get(sim.baseUrl() + "/rest/1/nope/crm.activity.delete?id=1");
        assertThat(wrongCode.status()).isEqualTo(401);
        assertThat(wrongCode.error()).isEqualTo("INVALID_CREDENTIALS");
        SimulatorHttpClient.Reply wrongUser = http.get(sim.baseUrl() + "/rest/2/simulator/crm.activity.delete?id=1");
        assertThat(wrongUser.error()).isEqualTo("INVALID_CREDENTIALS");
        assertThat(sim.control().activityExists(1)).isTrue();
    }

    @Test
    void webhookWithoutCrmScopeGetsInsufficientScope() throws Exception {
        sim.control().addWebhook(3, "useronly", Set.of("user"));
        SimulatorHttpClient.Reply reply = http.get(sim.baseUrl() + "/rest/3/useronly/crm.activity.delete?id=1");
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.error()).isEqualTo("insufficient_scope");
        assertThat(reply.description()).isEqualTo("The request requires higher privileges than provided by the webhook token");
        assertThat(sim.control().activityExists(1)).isTrue();
        assertThat(http.get(sim.baseUrl() + "/rest/3/useronly/profile").status()).isEqualTo(200);
    }

    @Test
    void restCallWithoutAnyAuthIsNoAuthFound() throws Exception {
        SimulatorHttpClient.Reply reply = http.get(sim.baseUrl() + "/rest/crm.activity.delete?id=1");
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.error()).isEqualTo("NO_AUTH_FOUND");
        assertThat(reply.description()).isEqualTo("Wrong authorization data");
    }

    @Test
    void unknownAccessTokenIsInvalidToken() throws Exception {
        SimulatorHttpClient.Reply reply = http.get(sim.baseUrl() + "/rest/profile?auth=notatoken");
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.error()).isEqualTo("invalid_token");
    }

    @Test
    void expiredAccessTokenAnswers401ExpiredTokenUntilRefreshed() throws Exception {
        TokenPair tokens = sim.control().issueTokens("app.auth", 1);
        assertThat(http.get(sim.baseUrl() + "/rest/crm.activity.delete?id=1&auth=" + tokens.accessToken()).status())
                .isEqualTo(200);
        sim.control().expireAccessTokens();

        SimulatorHttpClient.Reply expired = http.get(sim.baseUrl() + "/rest/crm.activity.delete?id=2&auth=" + tokens.accessToken());
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.error()).isEqualTo("expired_token");
        assertThat(expired.description()).isEqualTo("The access token provided has expired");
        assertThat(sim.control().activityExists(2)).isTrue();

        SimulatorHttpClient.Reply refreshed = refresh("app.auth", "secret-1", tokens.refreshToken());
        assertThat(refreshed.status()).isEqualTo(200);
        String newAccess = refreshed.json().get("access_token").asText();
        String newRefresh = refreshed.json().get("refresh_token").asText();
        assertThat(newAccess).isNotEqualTo(tokens.accessToken()).hasSize(32);
        assertThat(newRefresh).isNotEqualTo(tokens.refreshToken()).hasSize(32);
        assertThat(refreshed.json().get("expires_in").asInt()).isEqualTo(3600);
        assertThat(sim.control().tokenRefreshCount()).isEqualTo(1);

        assertThat(http.get(sim.baseUrl() + "/rest/crm.activity.delete?id=2&auth=" + newAccess).status()).isEqualTo(200);
        assertThat(sim.control().activityExists(2)).isFalse();
    }

    @Test
    void usedRefreshTokenGetsInvalidGrantButTheRotatedOneWorks() throws Exception {
        TokenPair tokens = sim.control().issueTokens("app.auth", 1);
        SimulatorHttpClient.Reply first = refresh("app.auth", "secret-1", tokens.refreshToken());
        assertThat(first.status()).isEqualTo(200);

        SimulatorHttpClient.Reply reused = refresh("app.auth", "secret-1", tokens.refreshToken());
        assertThat(reused.status()).isEqualTo(400);
        assertThat(reused.error()).isEqualTo("invalid_grant");

        // the rotated token, by POST form this time
        SimulatorHttpClient.Reply second = http.postForm(sim.oauthTokenUrl(), "grant_type=refresh_token&client_id=app.auth"
                + "&client_secret=secret-1&refresh_token=" + first.json().get("refresh_token").asText());
        assertThat(second.status()).isEqualTo(200);
        assertThat(sim.control().tokenRefreshCount()).isEqualTo(2);
    }

    @Test
    void wrongClientSecretOrUnknownClientIsInvalidClient() throws Exception {
        TokenPair tokens = sim.control().issueTokens("app.auth", 1);
        assertThat(refresh("app.auth", "wrong", tokens.refreshToken()).error()).isEqualTo("invalid_client");
        assertThat(refresh("app.unknown", "secret-1", tokens.refreshToken()).error()).isEqualTo("invalid_client");
        // the refresh token was not spent by the refused attempts
        assertThat(refresh("app.auth", "secret-1", tokens.refreshToken()).status()).isEqualTo(200);
    }

    @Test
    void refreshTokenOfAnotherAppIsInvalidGrant() throws Exception {
        sim.control().registerOAuthApp("app.two", "secret-2");
        TokenPair tokens = sim.control().issueTokens("app.auth", 1);
        assertThat(refresh("app.two", "secret-2", tokens.refreshToken()).error()).isEqualTo("invalid_grant");
    }

    @Test
    void accessTokenExpiresByItselfAfterItsLifetime() throws Exception {
        try (Bitrix24Simulator shortLived = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).seed(5)
                .ratePlan(RatePlan.OFF).accessTokenLifetime(java.time.Duration.ofSeconds(1)).start()) {
            shortLived.control().registerOAuthApp("app.short", "s");
            TokenPair tokens = shortLived.control().issueTokens("app.short", 1);
            assertThat(http.get(shortLived.baseUrl() + "/rest/profile?auth=" + tokens.accessToken()).status()).isEqualTo(200);
            Thread.sleep(1100);
            assertThat(http.get(shortLived.baseUrl() + "/rest/profile?auth=" + tokens.accessToken()).error())
                    .isEqualTo("expired_token");
        }
    }

    @Test
    void unsupportedGrantTypeIsRefused() throws Exception {
        SimulatorHttpClient.Reply reply = http.get(sim.oauthTokenUrl() + "?grant_type=password&client_id=app.auth");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo("unsupported_grant_type");
    }
}
