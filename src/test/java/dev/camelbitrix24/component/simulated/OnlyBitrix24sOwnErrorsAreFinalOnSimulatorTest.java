package dev.camelbitrix24.component.simulated;

import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24ErrorCategory;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.simulator.FaultSpec;
import org.apache.camel.Exchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 4xx that is not Bitrix24's error envelope (a proxy's HTML 429, a 408, a body that is not JSON) says nothing about
 * the request: it is retried like a server error and, when retries run out, ends transient (dead-lettered, replayable),
 * never as a permanent refusal. Bitrix24's own {@code ID is not defined or invalid.} after a send is a refusal on the
 * rejected topic, not INVALID_REQUEST (which is for requests never sent). With batching off and on.
 */
class OnlyBitrix24sOwnErrorsAreFinalOnSimulatorTest extends SimulatorTestSupport {

    private static final String PROXY_429 = "<html><head><title>429 Too Many Requests</title></head>"
            + "<body><center><h1>429 Too Many Requests</h1></center><hr><center>nginx</center></body></html>";

    private String uri(boolean batching, String options) {
        return webhookUri("batching=" + batching + "&maxBatchWait=10&" + options);
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void aProxysHtml429IsRetriedAndTheDeleteGoesThrough(boolean batching) {
        control.injectFault(FaultSpec.status(429, PROXY_429).times(2));

        Exchange exchange = delete(uri(batching, "maxAttempts=4"), 5L);

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(3);
        assertThat(control.activityExists(5)).isFalse();
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void a408WithoutEnvelopeThatOutlivesTheRetriesIsTransient(boolean batching) {
        control.injectFault(FaultSpec.status(408, "Request Timeout"));

        Bitrix24Exception error = errorOf(delete(uri(batching, "maxAttempts=3"), 6L));

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.SERVER_ERROR);
        assertThat(error.getCategory()).as("dead-lettered for replay, not rejected").isEqualTo(Bitrix24ErrorCategory.TRANSIENT);
        assertThat(error.getAttempts()).isEqualTo(3);
        assertThat(error.getHttpResponseCode()).isEqualTo(408);
        assertThat(error.getErrorCode()).isNull();
        assertThat(control.activityExists(6)).isTrue();
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void bitrix24sOwnInvalidIdAfterASendIsARefusalNotAnInvalidRequest(boolean batching) {
        control.injectFault(FaultSpec.status(400, "{\"error\":\"\",\"error_description\":\"ID is not defined or invalid.\"}")
                .times(1));
        if (batching) {
            // inside a batch the refusal is the command's (the component keys its commands d0, d1, ...), in a 200 reply
            control.clearFaults();
            control.injectFault(FaultSpec.status(200, "{\"result\":{\"result\":[],\"result_error\":{\"d0\":{\"error\":\"\","
                    + "\"error_description\":\"ID is not defined or invalid.\"}},\"result_total\":[],\"result_next\":[],"
                    + "\"result_time\":[]},\"time\":{\"start\":1,\"finish\":1,\"duration\":0,\"processing\":0,"
                    + "\"date_start\":\"2026-01-01T00:00:00+00:00\",\"date_finish\":\"2026-01-01T00:00:00+00:00\"}}")
                    .times(1));
        }

        Bitrix24Exception error = errorOf(delete(uri(batching, "maxAttempts=3"), 7L));

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.REFUSED);
        assertThat(error.getCategory()).isEqualTo(Bitrix24ErrorCategory.REJECTED);
        assertThat(error.getErrorDescription()).isEqualTo("ID is not defined or invalid.");
        assertThat(error.getAttempts()).isEqualTo(1);
    }
}
