package dev.camelbitrix24.component.simulated;

import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.Bitrix24RetryLaterException;
import dev.camelbitrix24.simulator.FaultSpec;
import org.apache.camel.Exchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lost-reply rule for answers spoiled after the method ran: {@code WRONG_ENCODING} (PROTOCOL §3.2: the reply could
 * not be encoded) and a 200 whose body is not a readable Bitrix24 answer (JSON cut short, a proxy's HTML). Such an
 * attempt may have deleted the activity, so the retry's {@code Activity is not found.} is DELETED, confirmed on retry,
 * and a call whose retries run out says it may have deleted. Alone and inside a batch alike.
 */
class SpoiledRepliesMayHaveDeletedOnSimulatorTest extends SimulatorTestSupport {

    private static final long ID = 5;

    private static String calledMethod(boolean batching) {
        return batching ? "batch" : METHOD;
    }

    private String uri(boolean batching, String options) {
        return webhookUri("batching=" + batching + "&maxBatchWait=5&" + options);
    }

    private void assertConfirmedOnRetry(Exchange exchange) {
        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("DELETED");
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.CONFIRMED_ON_RETRY)).isEqualTo(true);
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(2);
        assertThat(control.activityExists(ID)).isFalse();
    }

    private void assertServerErrorThatMayHaveDeleted(Exchange exchange) {
        Bitrix24Exception error = errorOf(exchange);
        assertThat(error).isNotNull().isNotInstanceOf(Bitrix24RetryLaterException.class);
        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.SERVER_ERROR);
        assertThat(error.getAttempts()).isEqualTo(2);
        assertThat(error.isMayHaveDeleted()).isTrue();
        assertThat(control.activityExists(ID)).isFalse();
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void wrongEncodingMeansTheMethodRanSoNotFoundOnRetryIsDeleted(boolean batching) {
        control.injectFault(FaultSpec.wrongEncoding().times(1).onMethod(calledMethod(batching)));

        assertConfirmedOnRetry(delete(uri(batching, ""), ID));
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void aTruncated200MeansTheMethodMayHaveRunSoNotFoundOnRetryIsDeleted(boolean batching) {
        control.injectFault(FaultSpec.truncatedReply().times(1).onMethod(calledMethod(batching)));

        assertConfirmedOnRetry(delete(uri(batching, ""), ID));
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void aProxysHtmlWith200MeansTheMethodMayHaveRunSoNotFoundOnRetryIsDeleted(boolean batching) {
        control.injectFault(FaultSpec.replacedReply(200, "<html><body>Please wait...</body></html>").times(1)
                .onMethod(calledMethod(batching)));

        assertConfirmedOnRetry(delete(uri(batching, ""), ID));
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void wrongEncodingUntilRetriesRunOutSaysItMayHaveDeleted(boolean batching) {
        control.injectFault(FaultSpec.wrongEncoding().onMethod(calledMethod(batching)));

        Exchange exchange = delete(uri(batching, "maxAttempts=2"), ID);

        assertServerErrorThatMayHaveDeleted(exchange);
        assertThat(errorOf(exchange).getErrorCode()).isEqualTo("WRONG_ENCODING");
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void truncated200sUntilRetriesRunOutSayItMayHaveDeleted(boolean batching) {
        control.injectFault(FaultSpec.truncatedReply().onMethod(calledMethod(batching)));

        assertServerErrorThatMayHaveDeleted(delete(uri(batching, "maxAttempts=2"), ID));
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void a200PageThatRanNothingThenNotFoundIsStillNotFoundButMayHaveDeleted(boolean batching) {
        // the client cannot tell this page from one sent after the method ran: it must assume the worse
        control.injectFault(FaultSpec.status(200, "<html><body>Please wait...</body></html>").times(1)
                .onMethod(calledMethod(batching)));

        Exchange exchange = delete(uri(batching, ""), 999_999L);

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.CONFIRMED_ON_RETRY)).isEqualTo(true);
    }
}
