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

    /** A failed attempt that the component is about to send again, after {@code delayMillis}. */
    default void onRetry(Bitrix24ErrorType cause, long delayMillis) {
    }
}
