package dev.camelbitrix24.component.simulated;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.simulator.TokenPair;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two endpoints of one component with different options and the same OAuth application on the same portal share
 * one OAuth session: Bitrix24 rotates the refresh token on every refresh, so two sessions would spend each other's
 * refresh token ({@code invalid_grant}). No token store is configured: the default in-memory store is shared too.
 */
class SharedOAuthSessionOnSimulatorTest extends SimulatorTestSupport {

    private static final String CLIENT_ID = "app.shared";
    private static final String CLIENT_SECRET = "sh4redAppS3cret";

    private TokenPair installed;

    @BeforeEach
    void installApp() {
        control.registerOAuthApp(CLIENT_ID, CLIENT_SECRET);
        installed = control.issueTokens(CLIENT_ID, 1);
    }

    private String oauthUri(String options) {
        return "bitrix24:crm.activity.delete?portalUrl=" + sim.baseUrl() + "&clientId=" + CLIENT_ID
               + "&clientSecret=RAW(" + CLIENT_SECRET + ")&accessToken=RAW(" + installed.accessToken()
               + ")&refreshToken=RAW(" + installed.refreshToken() + ")&oauthTokenUrl=" + sim.oauthTokenUrl()
               + "&initialBackoff=20&" + options;
    }

    private void assertDeleted(Exchange exchange) {
        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("DELETED");
    }

    @Test
    void twoEndpointsWithTheSameAppRefreshOnceForBothAndKeepWorking() throws Exception {
        String batching = oauthUri("batching=true&maxBatchWait=20");
        String single = oauthUri("batching=false&maxAttempts=4");
        assertDeleted(delete(batching, 1L));
        assertDeleted(delete(single, 2L));
        assertThat(control.tokenRefreshCount()).isZero();

        control.expireAccessTokens();
        ProducerTemplate template = camel.context().createProducerTemplate();
        List<Future<Exchange>> pending = new ArrayList<>();
        for (long id = 10; id < 40; id++) {
            long activityId = id;
            pending.add(template.asyncSend(id % 2 == 0 ? batching : single, e -> e.getMessage().setBody(activityId)));
        }
        for (Future<Exchange> future : pending) {
            assertDeleted(future.get(20, TimeUnit.SECONDS));
        }
        assertThat(control.tokenRefreshCount()).as("one refresh for both endpoints").isEqualTo(1);

        // the rotated pair serves both: after the next expiry one refresh again, no invalid_grant on either
        control.expireAccessTokens();
        assertDeleted(delete(single, 50L));
        assertDeleted(delete(batching, 51L));
        assertDeleted(delete(single, 52L));
        assertThat(control.tokenRefreshCount()).isEqualTo(2);
        for (long id = 10; id < 40; id++) {
            assertThat(control.activityExists(id)).isFalse();
        }
        assertThat(control.activityExists(51)).isFalse();
    }

    @Test
    void stoppingTheEndpointThatStartedTheSessionLeavesTheOtherOneRefreshing() throws Exception {
        String first = oauthUri("maxAttempts=3");
        String second = oauthUri("maxAttempts=4");
        assertDeleted(delete(first, 1L));
        assertDeleted(delete(second, 2L));
        control.expireAccessTokens();
        assertDeleted(delete(first, 3L));
        assertThat(control.tokenRefreshCount()).isEqualTo(1);

        camel.context().getEndpoint(first).stop();
        control.expireAccessTokens();
        Exchange exchange = delete(second, 4L);

        assertDeleted(exchange);
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(2);
        assertThat(control.tokenRefreshCount()).isEqualTo(2);
        assertThat(control.activityExists(4)).isFalse();

        // started again, the first endpoint calls with the shared, rotated pair (no refresh, no spent token)
        camel.context().getEndpoint(first).start();
        Exchange again = delete(first, 5L);
        assertDeleted(again);
        assertThat(again.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(1);
        assertThat(control.tokenRefreshCount()).isEqualTo(2);
    }

    @Test
    void afterEveryEndpointStoppedARestartedOneStillHoldsTheRotatedPair() {
        String only = oauthUri("maxAttempts=3");
        control.expireAccessTokens();
        assertDeleted(delete(only, 1L));
        assertThat(control.tokenRefreshCount()).isEqualTo(1);

        camel.context().getEndpoint(only).stop();
        camel.context().getEndpoint(only).start();
        control.expireAccessTokens();
        assertDeleted(delete(only, 2L));
        assertThat(control.tokenRefreshCount()).isEqualTo(2);
    }
}
