package dev.camelbitrix24.component;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.component.support.CamelHarness;
import dev.camelbitrix24.component.support.ScriptedPortal;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.camelbitrix24.component.support.ScriptedPortal.deleteFailure;
import static dev.camelbitrix24.component.support.ScriptedPortal.drop;
import static dev.camelbitrix24.component.support.ScriptedPortal.reply;
import static dev.camelbitrix24.component.support.ScriptedPortal.stall;
import static dev.camelbitrix24.component.support.ScriptedPortal.success;
import static dev.camelbitrix24.component.support.ScriptedPortal.systemError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each retry rule on the wire against a scripted portal, with short waits so the rules show in milliseconds.
 */
class Bitrix24RetryTest {

    private ScriptedPortal portal;
    private CamelHarness camel;
    private String uri;

    /** The test's endpoint URI with some options changed. */
    private String uri(String overrides) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String pair : (DEFAULTS + "&" + overrides).split("&")) {
            options.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        StringBuilder sb = new StringBuilder("bitrix24:crm.activity.delete?webhookUrl=RAW(" + portal.baseUrl()
                                             + "/rest/1/c0de4321/)");
        options.forEach((k, v) -> sb.append('&').append(k).append('=').append(v));
        return sb.toString();
    }

    private static final String DEFAULTS
            = "maxAttempts=4&initialBackoff=40&rateLimitWait=150&operationTimeLimitWait=100&responseTimeout=1500";

    @BeforeEach
    void start() throws Exception {
        portal = new ScriptedPortal();
        camel = new CamelHarness();
        uri = uri("");
    }

    @AfterEach
    void stop() {
        camel.close();
        portal.close();
    }

    private static long millisBetween(ScriptedPortal.Request first, ScriptedPortal.Request second) {
        return TimeUnit.NANOSECONDS.toMillis(second.receivedNanos() - first.receivedNanos());
    }

    @Test
    void queryLimitExceededWaitsOutTheBucketThenSucceeds() {
        portal.then(systemError(503, "QUERY_LIMIT_EXCEEDED", "Too many requests"), success());

        Exchange exchange = camel.send(uri, 5L);

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(2);
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.CONFIRMED_ON_RETRY)).isEqualTo(false);
        // rateLimitWait 150 ms with at most 20 % jitter
        assertThat(millisBetween(portal.requests().get(0), portal.requests().get(1))).isGreaterThanOrEqualTo(120);
    }

    @Test
    void queryLimitThatOutlivesEveryAttemptIsRateLimited() {
        portal.otherwise(request -> systemError(503, "QUERY_LIMIT_EXCEEDED", "Too many requests"));

        Bitrix24Exception error = camel.send(uri("rateLimitWait=10"), 5L).getException(Bitrix24Exception.class);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.RATE_LIMITED);
        assertThat(error.getCategory()).isEqualTo(Bitrix24ErrorCategory.TRANSIENT);
        assertThat(error.getAttempts()).isEqualTo(4);
        assertThat(portal.requests()).hasSize(4);
    }

    @Test
    void operationTimeLimitWaitsUntilTheResetWhenItFitsTheBudget() {
        long resetAt = System.currentTimeMillis() / 1000 + 1;
        portal.then(reply(200, "{\"result\":true,\"time\":{\"operating\":479.5,\"operating_reset_at\":" + resetAt + "}}"),
                systemError(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit."),
                success());

        camel.send(uri, 1L);
        Exchange exchange = camel.send(uri, 2L);

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(2);
        // operating_reset_at plus one second
        assertThat(portal.requests().get(2).receivedEpochMillis()).isGreaterThanOrEqualTo((resetAt + 1) * 1000);
    }

    @Test
    void operationTimeLimitGivesUpAtOnceWhenTheResetIsPastTheBudget() {
        long resetAt = System.currentTimeMillis() / 1000 + 600;
        // this client has used little of the window (its guard lets the call go); another one used the rest
        portal.then(reply(200, "{\"result\":true,\"time\":{\"operating\":100.2,\"operating_reset_at\":" + resetAt + "}}"),
                systemError(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit."));

        // the reset time is learnt from an earlier reply of the same endpoint, as a 429 may come without one
        String endpoint = uri("retryBudget=5000");
        camel.send(endpoint, 1L);
        long started = System.nanoTime();
        Exchange exchange = camel.send(endpoint, 2L);

        Bitrix24Exception error = exchange.getException(Bitrix24Exception.class);
        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.OPERATION_TIME_LIMIT);
        assertThat(error.getAttempts()).isEqualTo(1);
        assertThat(error.getHttpResponseCode()).isEqualTo(429);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2_000);
        assertThat(portal.requests()).hasSize(2);
    }

    @Test
    void serverErrorsBackOffExponentiallyUntilTheLastAttempt() {
        portal.otherwise(request -> systemError(500, "INTERNAL_SERVER_ERROR", "Internal server error"));

        Bitrix24Exception error = camel.send(uri, 5L).getException(Bitrix24Exception.class);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.SERVER_ERROR);
        assertThat(error.getAttempts()).isEqualTo(4);
        assertThat(error.isRetriable()).isTrue();
        List<ScriptedPortal.Request> requests = portal.requests();
        assertThat(requests).hasSize(4);
        // 40, 80, 160 ms, each +/-20 %
        assertThat(millisBetween(requests.get(0), requests.get(1))).isGreaterThanOrEqualTo(32);
        assertThat(millisBetween(requests.get(1), requests.get(2))).isGreaterThanOrEqualTo(64);
        assertThat(millisBetween(requests.get(2), requests.get(3))).isGreaterThanOrEqualTo(128);
    }

    @Test
    void theTimeBudgetStopsRetriesBeforeTheAttemptLimit() {
        portal.otherwise(request -> systemError(500, "INTERNAL_SERVER_ERROR", "Internal server error"));

        Bitrix24Exception error = camel.send(uri("initialBackoff=1000&retryBudget=2000"), 5L)
                .getException(Bitrix24Exception.class);

        // the first retry (after 800-1200 ms) fits 2 s; the second (1600-2400 ms more) does not
        assertThat(error.getAttempts()).isEqualTo(2);
        assertThat(portal.requests()).hasSize(2);
    }

    @Test
    void overloadLimitIsNeverRetried() {
        portal.otherwise(request -> systemError(503, "OVERLOAD_LIMIT", "REST API is blocked due to overload."));

        Bitrix24Exception error = camel.send(uri, 5L).getException(Bitrix24Exception.class);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.OVERLOADED);
        assertThat(error.getAttempts()).isEqualTo(1);
        assertThat(portal.requests()).hasSize(1);
    }

    @Test
    void clientAndAuthenticationErrorsAreNeverRetried() {
        portal.otherwise(request -> systemError(401, "NO_AUTH_FOUND", "Wrong authorization data"));
        assertThat(camel.send(uri, 5L).getException(Bitrix24Exception.class).getType())
                .isEqualTo(Bitrix24ErrorType.AUTHENTICATION_FAILED);
        portal.otherwise(request -> deleteFailure("Access denied."));
        assertThat(camel.send(uri, 5L).getException(Bitrix24Exception.class).getType())
                .isEqualTo(Bitrix24ErrorType.ACCESS_DENIED);
        portal.otherwise(request -> systemError(403, "insufficient_scope", ""));
        assertThat(camel.send(uri, 5L).getException(Bitrix24Exception.class).getType())
                .isEqualTo(Bitrix24ErrorType.INSUFFICIENT_SCOPE);

        assertThat(portal.requests()).hasSize(3);
    }

    @Test
    void aTimedOutAttemptFollowedByNotFoundIsDeletedConfirmedOnRetry() {
        portal.then(stall(2500), deleteFailure("Activity is not found."));

        Exchange exchange = camel.send(uri, 5L);

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("DELETED");
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.CONFIRMED_ON_RETRY)).isEqualTo(true);
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(2);
        assertThat(exchange.getMessage().getBody()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("confirmedOnRetry", true);
    }

    @Test
    void aConnectionDroppedAfterSendingFollowedByNotFoundIsDeletedConfirmedOnRetry() {
        portal.then(drop(), deleteFailure("Activity is not found"));

        Exchange exchange = camel.send(uri, 5L);

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.CONFIRMED_ON_RETRY)).isEqualTo(true);
    }

    @Test
    void aGatewayPageFollowedByNotFoundIsDeletedConfirmedOnRetry() {
        portal.then(reply(504, "<html><body>Gateway Time-out</body></html>", "Content-Type", "text/html"),
                deleteFailure("Activity is not found."));

        Exchange exchange = camel.send(uri, 5L);

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.CONFIRMED_ON_RETRY)).isEqualTo(true);
    }

    @Test
    void notFoundAfterBitrix24sOwnServerErrorStaysNotFound() {
        portal.then(systemError(500, "INTERNAL_SERVER_ERROR", "Internal server error"),
                deleteFailure("Activity is not found."));

        Bitrix24Exception error = camel.send(uri, 5L).getException(Bitrix24Exception.class);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.NOT_FOUND);
        assertThat(error.getAttempts()).isEqualTo(2);
    }

    @Test
    void notFoundAfterARefusalThatRanNothingStaysNotFound() {
        portal.then(systemError(503, "QUERY_LIMIT_EXCEEDED", "Too many requests"),
                deleteFailure("Activity is not found."));

        Bitrix24Exception error = camel.send(uri("rateLimitWait=10"), 5L).getException(Bitrix24Exception.class);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.NOT_FOUND);
        assertThat(error.getAttempts()).isEqualTo(2);
    }

    @Test
    void aPortalThatRefusesConnectionsIsATransportErrorAfterEveryAttempt() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String refusing = "bitrix24:crm.activity.delete?webhookUrl=RAW(http://127.0.0.1:" + closedPort
                          + "/rest/1/c0de4321/)&maxAttempts=3&initialBackoff=10";

        Exchange exchange = camel.send(refusing, 5L);

        Bitrix24Exception error = exchange.getException(Bitrix24Exception.class);
        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.TRANSPORT_ERROR);
        assertThat(error.getAttempts()).isEqualTo(3);
        assertThat(error.getHttpResponseCode()).isZero();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.HTTP_STATUS)).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("TRANSPORT_ERROR");
    }
}
