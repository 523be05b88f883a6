package dev.camelbitrix24.component.client;

/**
 * What every endpoint calling one portal must share, because Bitrix24 counts their calls together: the request
 * pacer (null when pacing is off), the operating-time guard, and whether the portal answers at all.
 */
public record PortalLimits(RequestPacer pacer, OperatingTimeGuard operatingTime, PortalWaits waits) {

    /** Sets the share of the portal's plan (request bucket and operating-time budget) this process may use. */
    public void share(double share, long nowNanos) {
        if (pacer != null) {
            pacer.share(share, nowNanos);
        }
        operatingTime.share(share);
    }

    /** Milliseconds before a request may go out, taking one from the pacer when it is 0. */
    public long reserveRequest(long nowNanos) {
        return pacer == null ? 0 : pacer.reserve(nowNanos);
    }

    /** A 503 QUERY_LIMIT_EXCEEDED: the portal answered, and its bucket is full. */
    public void onRateLimited(long nowNanos) {
        waits.onAnswered(nowNanos);
        if (pacer != null) {
            pacer.onRateLimited(nowNanos);
        }
    }

    /** The portal answered a request, sent at {@code sentNanos}, without refusing it for the bucket. */
    public void onAccepted(long nowNanos, long sentNanos) {
        waits.onAnswered(nowNanos);
        if (pacer != null) {
            pacer.onAccepted(nowNanos - sentNanos);
        }
    }
}
