package dev.camelbitrix24.component;

/**
 * Hears what the component's HTTP calls do, for metrics. The component works without one; a bean of this type in the
 * registry is picked up by the component's {@code callListener} option (autowired), so that an application can bind
 * the events to Micrometer or anything else while the component itself depends on no metrics library.
 * <p>
 * Methods are called on the component's I/O and worker threads: they must be quick and must not throw. Nothing
 * passed to them carries a secret.
 */
public interface Bitrix24CallListener {

    /** Every HTTP reply Bitrix24 sent (a redirect, a 503 QUERY_LIMIT_EXCEEDED, a 429 OPERATION_TIME_LIMIT, a success). */
    default void onReply(int httpStatus) {
    }

    /**
     * A failed delete that the component is about to send again, after {@code delayMillis}; inside a batch, once per
     * delete sent again.
     */
    default void onRetry(Bitrix24ErrorType cause, long delayMillis) {
    }

    /** A {@code batch} call about to be sent with {@code size} deletes (only with {@code batching=true}). */
    default void onBatch(int size) {
    }

    /**
     * A request (a delete, a batch or the health check's profile) about to be sent, after waiting {@code waitedMillis}
     * for the portal's request bucket (the client-side rate limiter, {@code ratePlan}); 0 when it did not wait. Not
     * called when the rate plan is {@code off}.
     */
    default void onRateLimiterWait(long waitedMillis) {
    }

    /**
     * The portal waits, for a reason no request causes (see {@link Bitrix24PortalWait}): called when a wait begins and
     * when its end moves later, not once per call. A consumer can pause until {@code wait.until()}.
     */
    default void onPortalWait(Bitrix24PortalWait wait) {
    }

    /**
     * The operating time {@code method} has used in the portal's current window, from the latest reply that reported
     * it, and the limit the component keeps below (NaN until it is known: learned at the first 429).
     */
    default void onOperatingTime(String method, double usedSeconds, double limitSeconds) {
    }
}
