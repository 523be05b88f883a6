package dev.camelbitrix24.component.client;

import dev.camelbitrix24.component.Bitrix24Configuration;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private static final long NOW = 1_700_000_000_000L;

    private static RetryPolicy policy(double random) {
        Bitrix24Configuration configuration = new Bitrix24Configuration();
        configuration.setMaxAttempts(5);
        configuration.setRetryBudget(60_000);
        configuration.setInitialBackoff(1_000);
        configuration.setMaxBackoff(30_000);
        configuration.setRateLimitWait(1_500);
        configuration.setOperationTimeLimitWait(10_000);
        return new RetryPolicy(configuration, () -> random);
    }

    @Test
    void serverErrorsBackOffExponentiallyWithTwentyPercentJitter() {
        RetryPolicy middle = policy(0.5);
        assertThat(middle.delayBeforeRetry(Bitrix24ErrorType.SERVER_ERROR, 1, 0, NOW, null)).isEqualTo(1_000);
        assertThat(middle.delayBeforeRetry(Bitrix24ErrorType.SERVER_ERROR, 2, 0, NOW, null)).isEqualTo(2_000);
        assertThat(middle.delayBeforeRetry(Bitrix24ErrorType.TRANSPORT_ERROR, 3, 0, NOW, null)).isEqualTo(4_000);

        assertThat(policy(0.0).delayBeforeRetry(Bitrix24ErrorType.SERVER_ERROR, 2, 0, NOW, null)).isEqualTo(1_600);
        assertThat(policy(0.999999).delayBeforeRetry(Bitrix24ErrorType.SERVER_ERROR, 2, 0, NOW, null)).isEqualTo(2_400);
    }

    @Test
    void backoffIsCappedByMaxBackoff() {
        Bitrix24Configuration configuration = new Bitrix24Configuration();
        configuration.setMaxAttempts(20);
        configuration.setRetryBudget(1_000_000);
        RetryPolicy policy = new RetryPolicy(configuration, () -> 0.5);

        assertThat(policy.delayBeforeRetry(Bitrix24ErrorType.SERVER_ERROR, 10, 0, NOW, null)).isEqualTo(30_000);
    }

    @Test
    void queryLimitWaitsForTheBucketAndLongerEachTime() {
        RetryPolicy middle = policy(0.5);

        assertThat(middle.delayBeforeRetry(Bitrix24ErrorType.RATE_LIMITED, 1, 0, NOW, null)).isEqualTo(1_500);
        assertThat(middle.delayBeforeRetry(Bitrix24ErrorType.RATE_LIMITED, 2, 0, NOW, null)).isEqualTo(2_250);
        assertThat(middle.delayBeforeRetry(Bitrix24ErrorType.RATE_LIMITED, 3, 0, NOW, null)).isEqualTo(3_375);
    }

    @Test
    void operationTimeLimitWaitsUntilTheWindowResetsPlusOneSecond() {
        long resetAt = NOW / 1000 + 25;

        assertThat(policy(0.5).delayBeforeRetry(Bitrix24ErrorType.OPERATION_TIME_LIMIT, 1, 0, NOW, resetAt))
                .isEqualTo(26_000);
    }

    @Test
    void operationTimeLimitWaitsAtLeastTheMinimumWhenTheResetIsUnknownOrPast() {
        assertThat(policy(0.5).delayBeforeRetry(Bitrix24ErrorType.OPERATION_TIME_LIMIT, 1, 0, NOW, null))
                .isEqualTo(10_000);
        assertThat(policy(0.5).delayBeforeRetry(Bitrix24ErrorType.OPERATION_TIME_LIMIT, 1, 0, NOW, NOW / 1000 - 100))
                .isEqualTo(10_000);
    }

    @Test
    void operationTimeLimitGivesUpAtOnceWhenTheResetIsPastTheBudget() {
        long resetAt = NOW / 1000 + 120;

        assertThat(policy(0.5).delayBeforeRetry(Bitrix24ErrorType.OPERATION_TIME_LIMIT, 1, 0, NOW, resetAt))
                .isEqualTo(RetryPolicy.NO_RETRY);
    }

    @Test
    void noRetryEndsPastTheTimeBudget() {
        assertThat(policy(0.5).delayBeforeRetry(Bitrix24ErrorType.SERVER_ERROR, 2, 58_000, NOW, null))
                .isEqualTo(2_000);
        assertThat(policy(0.5).delayBeforeRetry(Bitrix24ErrorType.SERVER_ERROR, 2, 58_001, NOW, null))
                .isEqualTo(RetryPolicy.NO_RETRY);
    }

    @Test
    void noRetryAfterTheLastAttempt() {
        assertThat(policy(0.5).delayBeforeRetry(Bitrix24ErrorType.SERVER_ERROR, 4, 0, NOW, null)).isPositive();
        assertThat(policy(0.5).delayBeforeRetry(Bitrix24ErrorType.SERVER_ERROR, 5, 0, NOW, null))
                .isEqualTo(RetryPolicy.NO_RETRY);
    }

    @ParameterizedTest
    @EnumSource(value = Bitrix24ErrorType.class,
                names = { "NOT_FOUND", "ACCESS_DENIED", "APPLICATION_CONTEXT_REQUIRED", "AUTHENTICATION_FAILED",
                          "INSUFFICIENT_SCOPE", "REFUSED", "INVALID_REQUEST", "OVERLOADED" })
    void permanentFailuresAndOverloadAreNeverRetried(Bitrix24ErrorType type) {
        assertThat(policy(0.5).delayBeforeRetry(type, 1, 0, NOW, null)).isEqualTo(RetryPolicy.NO_RETRY);
    }
}
