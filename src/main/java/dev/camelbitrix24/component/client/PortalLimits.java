package dev.camelbitrix24.component.client;

/**
 * What every endpoint calling one portal must share, because Bitrix24 counts their calls together: the request
 * pacer (null when pacing is off) and the operating-time guard.
 */
public record PortalLimits(RequestPacer pacer, OperatingTimeGuard operatingTime) {

    /** Milliseconds before a request may go out, taking one from the pacer when it is 0. */
    public long reserveRequest(long nowNanos) {
        return pacer == null ? 0 : pacer.reserve(nowNanos);
    }

    public void onRateLimited(long nowNanos) {
        if (pacer != null) {
            pacer.onRateLimited(nowNanos);
        }
    }

    public void onAccepted() {
        if (pacer != null) {
            pacer.onAccepted();
        }
    }
}
