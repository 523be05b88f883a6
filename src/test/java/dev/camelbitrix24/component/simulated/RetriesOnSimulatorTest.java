package dev.camelbitrix24.component.simulated;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.simulator.FaultSpec;
import dev.camelbitrix24.simulator.OperatingTimeLimit;
import dev.camelbitrix24.simulator.RatePlan;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each retry rule against the simulator's limits and faults, including the lost-reply rule: a delete whose reply was
 * lost is confirmed by the retry's "Activity is not found." instead of being reported as NOT_FOUND.
 */
class RetriesOnSimulatorTest extends SimulatorTestSupport {

    @Test
    void theRequestRateLimitIsWaitedOutAndEveryDeleteSucceeds() {
        control.setRatePlan(RatePlan.custom(2, 2.0));
        String uri = webhookUri("rateLimitWait=600&maxAttempts=8&retryBudget=30s");

        List<Exchange> results = new ArrayList<>();
        for (long id = 1; id <= 6; id++) {
            results.add(delete(uri, id));
        }

        assertThat(results).allSatisfy(e -> assertThat(e.getException()).isNull());
        assertThat(control.rateLimitRejections()).isPositive();
        int attempts = results.stream().mapToInt(e -> e.getMessage().getHeader(Bitrix24Constants.ATTEMPTS, Integer.class))
                .sum();
        assertThat((long) attempts).isEqualTo(6 + control.rateLimitRejections());
        for (long id = 1; id <= 6; id++) {
            assertThat(control.activityExists(id)).isFalse();
        }
    }

    @Test
    void aBlockedMethodIsRetriedWhenItsOperatingWindowResets() {
        control.setOperatingTimeLimit(blockAfterOneCall(Duration.ofMillis(200)));
        String uri = webhookUri("operationTimeLimitWait=100&retryBudget=15s");
        Exchange first = delete(uri, 1L);
        long resetAt = first.getMessage().getHeader(Bitrix24Constants.TIME_OPERATING_RESET_AT, Long.class);

        Exchange second = delete(uri, 2L);

        assertThat(second.getException()).isNull();
        assertThat(second.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(2);
        assertThat(control.operatingLimitRejections()).isEqualTo(1);
        // the retry went out one second after the window's reset, not before
        assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo((resetAt + 1) * 1000);
        assertThat(control.activityExists(2)).isFalse();
    }

    @Test
    void aBlockedMethodWhoseResetIsPastTheBudgetFailsAtOnce() {
        control.setOperatingTimeLimit(blockAfterOneCall(Duration.ofSeconds(30)));
        String uri = webhookUri("retryBudget=2s");
        assertThat(delete(uri, 1L).getException()).isNull();

        long started = System.nanoTime();
        Exchange exchange = delete(uri, 2L);

        Bitrix24Exception error = errorOf(exchange);
        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.OPERATION_TIME_LIMIT);
        assertThat(error.getErrorCode()).isEqualTo("OPERATION_TIME_LIMIT");
        assertThat(error.getHttpResponseCode()).isEqualTo(429);
        assertThat(error.getAttempts()).isEqualTo(1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1_500);
        assertThat(control.activityExists(2)).isTrue();
    }

    /** One call is charged a second of simulated time, over a half-second limit: the next one is refused. */
    private static OperatingTimeLimit blockAfterOneCall(Duration bucketLength) {
        return OperatingTimeLimit.DEFAULT.withLimit(Duration.ofMillis(500)).withBucketLength(bucketLength)
                .withProcessingTimePerCall(Duration.ofSeconds(1)).withMinimumCounted(Duration.ZERO);
    }

    @Test
    void serverErrorsAreRetriedWithBackoffUntilTheDeleteSucceeds() {
        control.injectFault(FaultSpec.internalServerError().times(2).onMethod(METHOD));

        Exchange exchange = delete(webhookUri(""), 5L);

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(3);
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.CONFIRMED_ON_RETRY)).isEqualTo(false);
        assertThat(control.callCount(METHOD)).isEqualTo(3);
        assertThat(control.activityExists(5)).isFalse();
    }

    @Test
    void theRetryBudgetEndsRetriesBeforeTheAttemptLimit() {
        control.injectFault(FaultSpec.internalServerError().onMethod(METHOD));

        Bitrix24Exception error = errorOf(delete(webhookUri("initialBackoff=1000&retryBudget=2000&maxAttempts=10"), 5L));

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.SERVER_ERROR);
        assertThat(error.getAttempts()).isEqualTo(2);
        assertThat(control.callCount(METHOD)).isEqualTo(2);
    }

    @Test
    void aLostReplyIsConfirmedByTheRetry() {
        control.injectFault(FaultSpec.replyLost().times(1).onMethod(METHOD));

        Exchange exchange = delete(webhookUri(""), 5L);

        assertConfirmedOnRetry(exchange);
    }

    @Test
    void aReplyLateBeyondTheResponseTimeoutIsConfirmedByTheRetry() {
        control.injectFault(FaultSpec.delay(Duration.ofMillis(3000)).times(1).onMethod(METHOD));

        Exchange exchange = delete(webhookUri("responseTimeout=1500"), 5L);

        assertConfirmedOnRetry(exchange);
    }

    @Test
    void aConnectionResetHalfWayThroughTheReplyIsConfirmedByTheRetry() {
        control.injectFault(FaultSpec.resetMidReply().times(1).onMethod(METHOD));

        Exchange exchange = delete(webhookUri(""), 5L);

        assertConfirmedOnRetry(exchange);
    }

    private void assertConfirmedOnRetry(Exchange exchange) {
        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("DELETED");
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.CONFIRMED_ON_RETRY)).isEqualTo(true);
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(2);
        assertThat(control.callCount(METHOD)).isEqualTo(2);
        assertThat(control.activityExists(5)).isFalse();
    }

    @Test
    void notFoundAfterARefusalThatRanNothingIsStillNotFound() {
        control.injectFault(FaultSpec.status(503, "{\"error\":\"QUERY_LIMIT_EXCEEDED\",\"error_description\":\"Too many requests\"}")
                .times(1).onMethod(METHOD));

        Bitrix24Exception error = errorOf(delete(webhookUri(""), 999_999L));

        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.NOT_FOUND);
        assertThat(error.getAttempts()).isEqualTo(2);
    }
}
