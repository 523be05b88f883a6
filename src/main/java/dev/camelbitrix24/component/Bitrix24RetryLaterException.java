package dev.camelbitrix24.component;

import java.time.Instant;

/**
 * A call that did not fail on the request's own account and should be made again later, as it is: the portal waits
 * ({@link #getPortalWait()} says why and until when), or the endpoint stopped before the call completed. Its
 * {@link #getType()} is the failure that ended the call (for example {@code OPERATION_TIME_LIMIT}), so a route that
 * does not know this subtype treats it like any transient failure; a route that does can leave the request where it
 * came from (a Kafka consumer can pause its partitions until {@link #getRetryAt()}) instead of dead-lettering it.
 */
public class Bitrix24RetryLaterException extends Bitrix24Exception {

    private final transient Bitrix24PortalWait portalWait;
    private final Instant retryAt;

    public Bitrix24RetryLaterException(Bitrix24ErrorType type, String errorCode, String errorDescription, int httpStatus,
                                       int attempts, boolean mayHaveDeleted, Bitrix24PortalWait portalWait,
                                       Instant retryAt, Throwable cause) {
        super(type, errorCode, errorDescription, httpStatus, true, attempts, mayHaveDeleted, cause);
        this.portalWait = portalWait;
        this.retryAt = retryAt;
    }

    /** Why and until when the portal waits; null when the call ended because the endpoint stopped. */
    public Bitrix24PortalWait getPortalWait() {
        return portalWait;
    }

    /** The earliest moment at which making the call again is worthwhile. */
    public Instant getRetryAt() {
        return retryAt;
    }
}
