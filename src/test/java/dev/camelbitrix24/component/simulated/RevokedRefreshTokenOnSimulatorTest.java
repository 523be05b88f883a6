package dev.camelbitrix24.component.simulated;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.Bitrix24TokenPair;
import dev.camelbitrix24.component.InMemoryBitrix24TokenStore;
import dev.camelbitrix24.simulator.TokenPair;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refresh token the OAuth server refuses ({@code invalid_grant}) is not sent again (PROTOCOL §6: an application
 * that refreshes over and over may be blocked): 100 concurrent deletes with an expired access token and a revoked
 * refresh token make at most one refresh request, and all end AUTHENTICATION_FAILED. Once the token store holds
 * another pair (another instance, or a re-authorization, wrote it), the next delete uses it without a refresh.
 */
class RevokedRefreshTokenOnSimulatorTest extends SimulatorTestSupport {

    private static final String CLIENT_ID = "app.revoked";
    private static final String CLIENT_SECRET = "r3vokedAppS3cret";

    private TokenPair installed;
    private InMemoryBitrix24TokenStore store;

    @BeforeEach
    void installApp() {
        control.registerOAuthApp(CLIENT_ID, CLIENT_SECRET);
        installed = control.issueTokens(CLIENT_ID, 1);
        store = new InMemoryBitrix24TokenStore();
        camel.context().getRegistry().bind("tokens", store);
    }

    private String oauthUri(boolean batching) {
        return "bitrix24:crm.activity.delete?portalUrl=" + sim.baseUrl() + "&clientId=" + CLIENT_ID
               + "&clientSecret=RAW(" + CLIENT_SECRET + ")&accessToken=RAW(" + installed.accessToken()
               + ")&refreshToken=RAW(" + installed.refreshToken() + ")&oauthTokenUrl=" + sim.oauthTokenUrl()
               + "&tokenStore=#tokens&batching=" + batching + "&maxBatchWait=10";
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void aHundredCallsWithARevokedRefreshTokenMakeAtMostOneRefreshRequest(boolean batching) throws Exception {
        String uri = oauthUri(batching);
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
