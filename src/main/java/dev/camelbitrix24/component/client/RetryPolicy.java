package dev.camelbitrix24.component.client;

import java.util.function.DoubleSupplier;

import dev.camelbitrix24.component.Bitrix24Configuration;
import dev.camelbitrix24.component.Bitrix24ErrorType;

/**
 * Decides whether and when a failed attempt is tried again (after the official JS SDK's classifier):
 * 503 QUERY_LIMIT_EXCEEDED waits for the request bucket to drain; 429 OPERATION_TIME_LIMIT waits until the method's
 * window resets, and gives up at once when that is past the budget; server and network errors back off
 * exponentially with jitter (a reply without Bitrix24's error envelope is a server error, whatever its status);
 * everything else (OVERLOAD_LIMIT, Bitrix24's own 4xx errors, authentication) is final.
 */
public final class RetryPolicy {

    /** Returned when no retry is to be made. */
    public static final long NO_RETRY = -1;

    private static final double JITTER = 0.2;

    private final int maxAttempts;
    private final long budget;
    private final long initialBackoff;
    private final long maxBackoff;
    private final long rateLimitWait;
    private final long operationTimeLimitWait;
    /** Uniform in [0, 1): the source of jitter, replaceable so tests can pin it. */
    private final DoubleSupplier random;

    public RetryPolicy(Bitrix24Configuration configuration, DoubleSupplier random) {
        this.maxAttempts = configuration.getMaxAttempts();
        this.budget = configuration.getRetryBudget();
        this.initialBackoff = configuration.getInitialBackoff();
        this.maxBackoff = configuration.getMaxBackoff();
        this.rateLimitWait = configuration.getRateLimitWait();
        this.operationTimeLimitWait = configuration.getOperationTimeLimitWait();
        this.random = random;
    }

    /**
     * The delay in milliseconds before the next attempt, or {@link #NO_RETRY}.
     *
     * @param type             the failure of the attempt just made
     * @param attempts         how many attempts were sent so far
     * @param elapsedMillis    time since the first attempt started
     * @param nowEpochMillis   the wall clock, to compare with {@code operating_reset_at}
     * @param operatingResetAt the latest {@code time.operating_reset_at} seen (unix seconds), or null
     */
    public long delayBeforeRetry(Bitrix24ErrorType type, int attempts, long elapsedMillis, long nowEpochMillis,
                                 Long operatingResetAt) {
        if (!type.retriable() || attempts >= maxAttempts) {
            return NO_RETRY;
        }
        long delay = switch (type) {
            case RATE_LIMITED -> jitter(cap(rateLimitWait * Math.pow(1.5, attempts - 1)));
            case OPERATION_TIME_LIMIT -> untilReset(nowEpochMillis, operatingResetAt);
            default -> jitter(cap(initialBackoff * Math.pow(2, attempts - 1)));
        };
        return elapsedMillis + delay <= budget ? delay : NO_RETRY;
    }

    private long untilReset(long nowEpochMillis, Long operatingResetAt) {
        long untilReset = operatingResetAt == null ? 0 : operatingResetAt * 1000 + 1000 - nowEpochMillis;
        return Math.max(operationTimeLimitWait, untilReset);
    }

    private long cap(double delay) {
        return (long) Math.min(delay, maxBackoff);
    }

    private long jitter(long delay) {
        return Math.max(0, Math.round(delay * (1 - JITTER + 2 * JITTER * random.getAsDouble())));
    }
}
