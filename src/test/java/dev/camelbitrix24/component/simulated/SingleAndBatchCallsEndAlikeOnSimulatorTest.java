package dev.camelbitrix24.component.simulated;

import java.net.InetAddress;
import java.net.ServerSocket;

import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.Bitrix24RetryLaterException;
import dev.camelbitrix24.component.support.CamelHarness;
import dev.camelbitrix24.simulator.FaultSpec;
import dev.camelbitrix24.simulator.RatePlan;
import dev.camelbitrix24.simulator.TokenPair;
import dev.camelbitrix24.simulator.junit.Bitrix24SimulatorExtension;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A delete sent alone ({@code batching=false}) and one sent inside a {@code batch} call ({@code batching=true}) take
 * one transport path: each scenario below runs both ways against the simulator over HTTP and HTTPS and must end with
 * the same outcome type, attempts and portal state.
 */
class SingleAndBatchCallsEndAlikeOnSimulatorTest {

    private static final String WEBHOOK_CODE = "al1keW3bh00kC0de";
    private static final String CLIENT_ID = "app.alike";
    private static final String CLIENT_SECRET = "al1keS3cr3tValue";
    private static final long ID = 5;

    @RegisterExtension
    static final Bitrix24SimulatorExtension sim = Bitrix24SimulatorExtension.builder().https().webhookCode(WEBHOOK_CODE)
            .seed(100).ratePlan(RatePlan.OFF).randomSeed(42L).build();

    private CamelHarness camel;

    @BeforeEach
    void startCamel() throws Exception {
        camel = new CamelHarness();
        camel.context().getRegistry().bind("simulatorTls", SimulatorTrust.sslContextParameters(sim.simulator()));
    }

    @AfterEach
    void stopCamel() {
        camel.close();
    }

    /** The method whose HTTP requests carry the delete: itself, or {@code batch}. */
    private static String calledMethod(boolean batching) {
        return batching ? "batch" : "crm.activity.delete";
    }

    private static String common(boolean batching) {
        return "&batching=" + batching + "&maxBatchWait=5&initialBackoff=20&rateLimitWait=50";
    }

    private String webhook(String baseUrl, boolean batching, String options) {
        return "bitrix24:crm.activity.delete?webhookUrl=RAW(" + baseUrl + "/rest/1/" + WEBHOOK_CODE + "/)"
               + common(batching) + options;
    }

    private String oauth(boolean batching, String tokenUrl, String options) {
        sim.control().registerOAuthApp(CLIENT_ID, CLIENT_SECRET);
        TokenPair installed = sim.control().issueTokens(CLIENT_ID, 1);
        return "bitrix24:crm.activity.delete?portalUrl=" + sim.baseUrl() + "&clientId=" + CLIENT_ID
               + "&clientSecret=RAW(" + CLIENT_SECRET + ")&accessToken=RAW(" + installed.accessToken()
               + ")&refreshToken=RAW(" + installed.refreshToken() + ")&oauthTokenUrl=" + tokenUrl + common(batching)
               + options;
    }

    private static void assertDeleted(Exchange exchange, int attempts, boolean confirmedOnRetry) {
        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("DELETED");
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(attempts);
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.CONFIRMED_ON_RETRY)).isEqualTo(confirmedOnRetry);
        assertThat(sim.control().activityExists(ID)).isFalse();
    }

    /** A failure of the request itself, not a portal-wide wait. */
    private static Bitrix24Exception ownFailure(Exchange exchange) {
        Bitrix24Exception error = exchange.getException(Bitrix24Exception.class);
        assertThat(error).isNotNull();
        assertThat(error).isNotInstanceOf(Bitrix24RetryLaterException.class);
        return error;
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void anUntrustedCertificateFailsAtOnceAsAPermanentTransportErrorWithNothingSent(boolean batching) {
        Exchange exchange = camel.send(webhook(sim.httpsBaseUrl(), batching, ""), ID);

        Bitrix24Exception error = ownFailure(exchange);
        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.TRANSPORT_ERROR);
        assertThat(error.isRetriable()).isFalse();
        assertThat(error.getAttempts()).isEqualTo(1);
        assertThat(error.isMayHaveDeleted()).isFalse();
        assertThat(error.getErrorDescription()).startsWith("The portal's TLS certificate is not trusted");
        assertThat(sim.control().callCount(calledMethod(batching))).isZero();
        assertThat(sim.control().activityExists(ID)).isTrue();
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void aMovedPortalsRedirectIsFollowedToItsNewAddress(boolean batching) {
        // moved from plain http to https: the same POST goes there, over TLS the endpoint trusts
        sim.control().injectFault(FaultSpec.movedTo(sim.httpsBaseUrl()).times(1));

        Exchange exchange = camel.send(webhook(sim.baseUrl(), batching, "&sslContextParameters=#simulatorTls"), ID);

        assertDeleted(exchange, 2, false);
        assertThat(sim.control().callCount(calledMethod(batching))).isEqualTo(2);
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void anExpiredTokenIsRefreshedOnceAndTheCallRepeated(boolean batching) {
        String uri = oauth(batching, sim.oauthTokenUrl(), "");
        sim.control().expireAccessTokens();

        Exchange exchange = camel.send(uri, ID);

        assertDeleted(exchange, 2, false);
        assertThat(sim.control().tokenRefreshCount()).isEqualTo(1);
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void aRefreshThatFailsOnTheNetworkIsATransportFailureOfTheCallRetriedWithBackoff(boolean batching)
            throws Exception {
        String uri = oauth(batching, "http://127.0.0.1:" + closedPort() + "/oauth/token/", "&maxAttempts=2");
        sim.control().expireAccessTokens();

        Bitrix24Exception error = ownFailure(camel.send(uri, ID));

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.TRANSPORT_ERROR);
        assertThat(error.isRetriable()).isTrue();
        assertThat(error.getErrorDescription()).startsWith("The token refresh failed");
        // each attempt met expired_token, and its refresh could not reach the OAuth server
        assertThat(error.getAttempts()).isEqualTo(2);
        assertThat(sim.control().callCount(calledMethod(batching))).isEqualTo(2);
        assertThat(error.isMayHaveDeleted()).isFalse();
        assertThat(sim.control().activityExists(ID)).isTrue();
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void aRevokedRefreshTokenIsAnAuthenticationFailureAtOnce(boolean batching) {
        String uri = oauth(batching, sim.oauthTokenUrl(), "");
        sim.control().expireAccessTokens();
        sim.control().revokeRefreshTokens();

        Bitrix24Exception error = ownFailure(camel.send(uri, ID));

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.AUTHENTICATION_FAILED);
        assertThat(error.getErrorCode()).isEqualTo("invalid_grant");
        assertThat(error.getAttempts()).isEqualTo(1);
        assertThat(sim.control().tokenRequestCount()).isEqualTo(1);
        assertThat(sim.control().activityExists(ID)).isTrue();
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void aGatewayPageAfterTheDeleteRanIsALostReplyConfirmedByTheRetry(boolean batching) {
        sim.control().injectFault(FaultSpec.replacedReply(502, "<html><body>502 Bad Gateway</body></html>").times(1)
                .onMethod(calledMethod(batching)));

        Exchange exchange = camel.send(webhook(sim.baseUrl(), batching, ""), ID);

        assertDeleted(exchange, 2, true);
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void gatewayPagesUntilRetriesRunOutEndAsAServerErrorThatMayHaveDeleted(boolean batching) {
        sim.control().injectFault(FaultSpec.replacedReply(502, "<html><body>502 Bad Gateway</body></html>")
                .onMethod(calledMethod(batching)));

        Bitrix24Exception error = ownFailure(camel.send(webhook(sim.baseUrl(), batching, "&maxAttempts=2"), ID));

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.SERVER_ERROR);
        assertThat(error.getHttpResponseCode()).isEqualTo(502);
        assertThat(error.getAttempts()).isEqualTo(2);
        assertThat(error.isMayHaveDeleted()).isTrue();
        assertThat(sim.control().activityExists(ID)).isFalse();
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void aFullRequestBucketIsWaitedOut(boolean batching) {
        sim.control().injectFault(FaultSpec.status(503,
                "{\"error\":\"QUERY_LIMIT_EXCEEDED\",\"error_description\":\"Too many requests\"}").times(2));

        Exchange exchange = camel.send(webhook(sim.baseUrl(), batching, ""), ID);

        assertDeleted(exchange, 3, false);
        assertThat(sim.control().callCount(calledMethod(batching))).isEqualTo(3);
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void aBucketFullThroughEveryAttemptIsAPortalWaitNotTheRequestsFailure(boolean batching) {
        sim.control().injectFault(FaultSpec.status(503,
                "{\"error\":\"QUERY_LIMIT_EXCEEDED\",\"error_description\":\"Too many requests\"}"));

        Exchange exchange = camel.send(webhook(sim.baseUrl(), batching, "&maxAttempts=2"), ID);

        Bitrix24RetryLaterException wait = exchange.getException(Bitrix24RetryLaterException.class);
        assertThat(wait).isNotNull();
        assertThat(wait.getType()).isEqualTo(Bitrix24ErrorType.RATE_LIMITED);
        assertThat(wait.getAttempts()).isEqualTo(2);
        assertThat(wait.isMayHaveDeleted()).isFalse();
        assertThat(sim.control().activityExists(ID)).isTrue();
    }

    /** A port on 127.0.0.1 where nothing listens: connecting is refused. */
    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
