package dev.camelbitrix24.component.client;

import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.component.Bitrix24CallListener;

/**
 * How long one request has been held back by the portal's request pacer, from the first "not yet" to the moment it is
 * sent, for {@link Bitrix24CallListener#onRateLimiterWait}. Confined to the request's own steps.
 */
final class PacerWait {

    private long sinceNanos;

    /** The pacer said not yet: the wait starts now, unless it already started. */
    void held(long nowNanos) {
        if (sinceNanos == 0) {
            sinceNanos = nowNanos;
        }
    }

    /** The request goes out now: reports the time it waited (0 when it did not) when the portal is paced at all. */
    void sending(PortalLimits limits, Bitrix24CallListener listener) {
        if (limits.pacer() != null) {
            listener.onRateLimiterWait(sinceNanos == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos));
        }
        sinceNanos = 0;
    }
}
