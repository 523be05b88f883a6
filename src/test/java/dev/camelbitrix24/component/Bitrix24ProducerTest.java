package dev.camelbitrix24.component;

import java.util.Map;

import dev.camelbitrix24.component.support.CamelHarness;
import dev.camelbitrix24.component.support.ScriptedPortal;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.camelbitrix24.component.support.ScriptedPortal.deleteFailure;
import static dev.camelbitrix24.component.support.ScriptedPortal.reply;
import static dev.camelbitrix24.component.support.ScriptedPortal.success;
import static dev.camelbitrix24.component.support.ScriptedPortal.systemError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The producer on the wire against a scripted portal: what it sends, the body and headers it leaves on success and
 * failure, and the typed exception.
 */
class Bitrix24ProducerTest {

    private ScriptedPortal portal;
    private CamelHarness camel;
    private String base;
    private String uri;

    @BeforeEach
    void start() throws Exception {
        portal = new ScriptedPortal();
        camel = new CamelHarness();
        base = "bitrix24:crm.activity.delete?webhookUrl=RAW(" + portal.baseUrl() + "/rest/1/c0de4321/)"
               + "&initialBackoff=20&rateLimitWait=20";
        uri = base + "&maxAttempts=3";
    }

    @AfterEach
    void stop() {
        camel.close();
        portal.close();
    }

    @Test
    void postsTheIdAsJsonToTheWebhookMethodUrl() {
        portal.then(success());

        camel.send(uri, "{\"id\":5,\"requestId\":\"r-1\"}");

        assertThat(portal.requests()).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/rest/1/c0de4321/crm.activity.delete.json");
            assertThat(request.body()).isEqualTo("{\"id\":5}");
            assertThat(request.headers().get("Content-type")).singleElement().asString().startsWith("application/json");
        });
    }

    @Test
    void successSetsTheResultBodyAndTheOutcomeHeaders() {
        portal.then(success());

        Exchange exchange = camel.send(uri, 5L);

        assertThat(exchange.getException()).isNull();
        Message message = exchange.getMessage();
        assertThat(message.getBody()).isEqualTo(Map.of("id", 5L, "outcome", "DELETED", "attempts", 1,
                "confirmedOnRetry", false));
        assertThat(message.getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("DELETED");
        assertThat(message.getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(1);
        assertThat(message.getHeader(Bitrix24Constants.CONFIRMED_ON_RETRY)).isEqualTo(false);
        assertThat(message.getHeader(Bitrix24Constants.HTTP_STATUS)).isEqualTo(200);
        assertThat(message.getHeader(Bitrix24Constants.TIME_OPERATING)).isEqualTo(1.5);
        assertThat(message.getHeader(Bitrix24Constants.TIME_OPERATING_RESET_AT)).isEqualTo(1764324000L);
        assertThat(message.getHeader(Bitrix24Constants.TIME_DURATION)).isEqualTo(0.25);
        assertThat(message.getHeader(Bitrix24Constants.ERROR_CODE)).isNull();
    }

    @Test
    void notFoundFailsTypedWithTheHeadersAndBitrix24sFieldsAsReceived() {
        portal.then(deleteFailure("Activity is not found."));

        Exchange exchange = camel.send(uri, 5L);

        Bitrix24Exception error = exchange.getException(Bitrix24Exception.class);
        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.NOT_FOUND);
        assertThat(error.getErrorCode()).isEmpty();
        assertThat(error.getErrorDescription()).isEqualTo("Activity is not found.");
        assertThat(error.getHttpResponseCode()).isEqualTo(400);
        assertThat(error.getAttempts()).isEqualTo(1);
        assertThat(error.isRetriable()).isFalse();
        Message message = exchange.getMessage();
        assertThat(message.getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("NOT_FOUND");
        assertThat(message.getHeader(Bitrix24Constants.ERROR_CODE)).isEqualTo("");
        assertThat(message.getHeader(Bitrix24Constants.ERROR_DESCRIPTION)).isEqualTo("Activity is not found.");
        assertThat(message.getHeader(Bitrix24Constants.HTTP_STATUS)).isEqualTo(400);
        assertThat(message.getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(1);
        assertThat(portal.requests()).hasSize(1);
    }

    @Test
    void anInvalidIdIsNeverSent() {
        Exchange exchange = camel.send(uri, "12abc");

        Bitrix24Exception error = exchange.getException(Bitrix24Exception.class);
        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
        assertThat(error.getAttempts()).isZero();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("INVALID_REQUEST");
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(0);
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.HTTP_STATUS)).isNull();
        assertThat(portal.requests()).isEmpty();
    }

    @Test
    void theIdComesFromTheHeaderOrTheOptionWhenTheBodyHasNone() {
        portal.then(success(), success());

        camel.send(uri, null, Map.of(Bitrix24Constants.ACTIVITY_ID, "77"));
        camel.send(uri + "&activityId=78", null);

        assertThat(portal.requests()).extracting(ScriptedPortal.Request::body)
                .containsExactly("{\"id\":77}", "{\"id\":78}");
    }

    @Test
    void headersOfAnEarlierOutcomeDoNotSurviveANewOne() {
        portal.then(deleteFailure("Access denied."), success());

        Exchange failed = camel.send(uri, 5L);
        Exchange again = camel.send(uri, failed.getMessage().getBody(), failed.getMessage().getHeaders());

        assertThat(again.getException()).isNull();
        assertThat(again.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("DELETED");
        assertThat(again.getMessage().getHeader(Bitrix24Constants.ERROR_CODE)).isNull();
        assertThat(again.getMessage().getHeader(Bitrix24Constants.ERROR_DESCRIPTION)).isNull();
    }

    @Test
    void anUnknownMethodReplyIsRefusedAndNotRetried() {
        portal.then(systemError(404, "ERROR_METHOD_NOT_FOUND", "Method not found!"));

        Bitrix24Exception error = camel.send(uri, 5L).getException(Bitrix24Exception.class);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.REFUSED);
        assertThat(error.getErrorCode()).isEqualTo("ERROR_METHOD_NOT_FOUND");
        assertThat(portal.requests()).hasSize(1);
    }

    @Test
    void aNonJsonReplyIsATypedServerErrorRetriedThenReported() {
        portal.otherwise(request -> reply(502, "<html><body>Bad Gateway</body></html>", "Content-Type", "text/html"));

        Bitrix24Exception error = camel.send(uri, 5L).getException(Bitrix24Exception.class);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.SERVER_ERROR);
        assertThat(error.getErrorCode()).isNull();
        assertThat(error.getErrorDescription()).contains("text/html");
        assertThat(error.getAttempts()).isEqualTo(3);
        // no call was answered, so the component asked profile; it got the gateway's page too: the portal is down, the
        // request has not failed on its own account
        assertThat(portal.requests()).extracting(ScriptedPortal.Request::path).filteredOn(p -> p.endsWith("/profile.json"))
                .hasSize(1);
        assertThat(portal.requests()).hasSize(4);
        assertThat(error).isInstanceOf(Bitrix24RetryLaterException.class);
        assertThat(((Bitrix24RetryLaterException) error).getPortalWait().reason())
                .isEqualTo(Bitrix24PortalWait.Reason.PORTAL_UNREACHABLE);
    }

    @Test
    void aReplyCutShortOnTheWireIsATransportErrorNotAParserException() {
        portal.otherwise(request -> ScriptedPortal.truncated(200, "{\"result\":tr"));

        Bitrix24Exception error = camel.send(base + "&maxAttempts=1", 5L).getException(Bitrix24Exception.class);

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.TRANSPORT_ERROR);
        assertThat(error.getAttempts()).isEqualTo(1);
    }
}
