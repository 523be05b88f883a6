package dev.camelbitrix24.component.simulated;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.Bitrix24TokenPair;
import dev.camelbitrix24.component.FileBitrix24TokenStore;
import dev.camelbitrix24.component.InMemoryBitrix24TokenStore;
import dev.camelbitrix24.component.support.CamelHarness;
import dev.camelbitrix24.simulator.TokenPair;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OAuth application mode against the simulator's OAuth server: concurrent expired-token replies make exactly one
 * refresh, the rotated pair reaches the store, and the stored pair carries the application over a restart; a refused
 * refresh is not sent again for the same pair.
 */
class OAuthOnSimulatorTest extends SimulatorTestSupport {

    private static final String CLIENT_ID = "app.camel";
    private static final String CLIENT_SECRET = "appS3cr3tValue";

    private TokenPair installed;
    private InMemoryBitrix24TokenStore store;

    @BeforeEach
    void installApp() {
        control.registerOAuthApp(CLIENT_ID, CLIENT_SECRET);
        installed = control.issueTokens(CLIENT_ID, 1);
        store = new InMemoryBitrix24TokenStore();
        camel.context().getRegistry().bind("tokens", store);
    }

    private String oauthUri() {
        return "bitrix24:crm.activity.delete?portalUrl=" + sim.baseUrl() + "&clientId=" + CLIENT_ID
               + "&clientSecret=RAW(" + CLIENT_SECRET + ")&accessToken=RAW(" + installed.accessToken()
               + ")&refreshToken=RAW(" + installed.refreshToken() + ")&oauthTokenUrl=" + sim.oauthTokenUrl()
               + "&tokenStore=#tokens";
    }

    @Test
    void concurrentExpiredTokenRepliesMakeExactlyOneRefresh() throws Exception {
        String uri = oauthUri();
        assertThat(delete(uri, 1L).getException()).isNull();
        control.expireAccessTokens();

        ProducerTemplate template = camel.context().createProducerTemplate();
        List<Future<Exchange>> pending = new ArrayList<>();
        for (long id = 10; id < 30; id++) {
            long activityId = id;
            pending.add(template.asyncSend(uri, e -> e.getMessage().setBody(activityId)));
        }
        int refused = 0;
        for (Future<Exchange> future : pending) {
            Exchange exchange = future.get(20, TimeUnit.SECONDS);
            assertThat(exchange.getException()).isNull();
            assertThat(exchange.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("DELETED");
            if (exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS, Integer.class) == 2) {
                refused++;
            }
        }

        assertThat(refused).as("calls that met expired_token and were repeated").isGreaterThan(1);
        assertThat(control.tokenRefreshCount()).isEqualTo(1);
        Bitrix24TokenPair rotated = store.load().orElseThrow();
        assertThat(rotated.getAccessToken()).isNotEqualTo(installed.accessToken());
        assertThat(rotated.getRefreshToken()).isNotEqualTo(installed.refreshToken());
        for (long id = 10; id < 30; id++) {
            assertThat(control.activityExists(id)).isFalse();
        }
    }

    @Test
    void theRotatedRefreshTokenRefreshesAgainAndTheStoredPairSurvivesARestart() {
        String uri = oauthUri();
        control.expireAccessTokens();
        assertThat(delete(uri, 1L).getException()).isNull();
        control.expireAccessTokens();
        assertThat(delete(uri, 2L).getException()).isNull();
        assertThat(control.tokenRefreshCount()).isEqualTo(2);

        // a restart: a new context whose options still hold the installed (now spent) pair, and the same store
        CamelHarness restarted = new CamelHarness();
        try {
            restarted.context().getRegistry().bind("tokens", store);
            Exchange exchange = restarted.send(uri, 3L);

            assertThat(exchange.getException()).isNull();
            assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(1);
            assertThat(control.tokenRefreshCount()).isEqualTo(2);
        } finally {
            restarted.close();
        }
    }

    @Test
    void aFileTokenStoreCarriesTheRotatedPairOverARestart(@TempDir Path folder) {
        Path file = folder.resolve("bitrix24-tokens.json");
        String uri = oauthUri().replace("tokenStore=#tokens", "tokenStore=#fileTokens");
        camel.context().getRegistry().bind("fileTokens", new FileBitrix24TokenStore(file));
        control.expireAccessTokens();
        assertThat(delete(uri, 1L).getException()).isNull();
        assertThat(control.tokenRefreshCount()).isEqualTo(1);
        camel.close();

        // a new application instance: its options still hold the installed pair, whose refresh token is spent
        camel = new CamelHarness();
        camel.context().getRegistry().bind("fileTokens", new FileBitrix24TokenStore(file));
        control.expireAccessTokens();
        Exchange exchange = delete(uri, 2L);

        assertThat(exchange.getException()).isNull();
        assertThat(control.tokenRefreshCount()).isEqualTo(2);
        assertThat(control.activityExists(2)).isFalse();
    }

    @Test
    void aSpentRefreshTokenIsAnAuthenticationFailure() {
        String uri = oauthUri();
        control.expireAccessTokens();
        assertThat(delete(uri, 1L).getException()).isNull();
        control.expireAccessTokens();

        // another context without the store: it only knows the installed pair, whose refresh token was spent
        CamelHarness other = new CamelHarness();
        try {
            other.context().getRegistry().bind("tokens", new InMemoryBitrix24TokenStore());
            Bitrix24Exception error = errorOf(other.send(uri, 2L));

            assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.AUTHENTICATION_FAILED);
            assertThat(error.getErrorCode()).isEqualTo("invalid_grant");
            assertThat(error.getAttempts()).isEqualTo(1);
            assertThat(control.activityExists(2)).isTrue();
        } finally {
            other.close();
        }
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    /**
     * A refresh token the OAuth server refuses ({@code invalid_grant}) is not sent again (PROTOCOL §6: an application
     * that refreshes over and over may be blocked); once the token store holds another pair (another instance, or a
     * re-authorization, wrote it), the next delete uses it without a refresh.
     */
    void aHundredCallsWithARevokedRefreshTokenMakeAtMostOneRefreshRequest(boolean batching) throws Exception {
        String uri = oauthUri() + "&batching=" + batching + "&maxBatchWait=10";
        control.expireAccessTokens();
        control.revokeRefreshTokens();

        ProducerTemplate template = camel.context().createProducerTemplate();
        List<Future<Exchange>> pending = new ArrayList<>();
        for (long id = 100; id < 200; id++) {
            long activityId = id;
            pending.add(template.asyncSend(uri, e -> e.getMessage().setBody(activityId)));
        }
        for (Future<Exchange> future : pending) {
            Bitrix24Exception error = errorOf(future.get(30, TimeUnit.SECONDS));
            assertThat(error).isNotNull();
            assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.AUTHENTICATION_FAILED);
            assertThat(error.getErrorCode()).isEqualTo("invalid_grant");
        }
        assertThat(control.tokenRequestCount()).as("refresh requests").isLessThanOrEqualTo(1);

        // later calls that meet the same refused pair still send none
        assertThat(errorOf(delete(uri, 200L)).getType()).isEqualTo(Bitrix24ErrorType.AUTHENTICATION_FAILED);
        assertThat(control.tokenRequestCount()).isLessThanOrEqualTo(1);
        for (long id = 100; id <= 200; id++) {
            assertThat(control.activityExists(id)).isTrue();
        }

        // another instance (or a re-authorization) writes a working pair to the store: it is used, no refresh
        TokenPair reauthorized = control.issueTokens(CLIENT_ID, 1);
        store.save(new Bitrix24TokenPair(reauthorized.accessToken(), reauthorized.refreshToken()));
        Exchange exchange = delete(uri, 201L);

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("DELETED");
        assertThat(control.activityExists(201)).isFalse();
        assertThat(control.tokenRequestCount()).isLessThanOrEqualTo(1);
    }
}
