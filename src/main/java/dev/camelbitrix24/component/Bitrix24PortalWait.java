package dev.camelbitrix24.component;

import java.time.Instant;
import java.util.Objects;

/**
 * The portal cannot take calls of a method until a moment, for a reason that is not any one request's: its
 * operating-time window is spent, its request bucket is full, or it has answered no call at all for a while. A
 * consumer that feeds the component should stop taking new work until {@link #until()}; the requests it holds have
 * not failed.
 *
 * @param reason      why the portal waits
 * @param until       when calls may be sent again (for an unreachable portal: when the next call tries it again)
 * @param since       when the wait began (for an unreachable portal: the first failure after its last answer)
 * @param description what the portal said, in words that carry no secret
 */
public record Bitrix24PortalWait(Reason reason, Instant until, Instant since, String description) {

    /** Why the portal waits. */
    public enum Reason {
        /** {@code 429 OPERATION_TIME_LIMIT}, or the component's own forecast: the method's window is spent. */
        OPERATING_TIME_LIMIT,
        /** {@code 503 QUERY_LIMIT_EXCEEDED} outlived the call's retries: the portal's request bucket is full. */
        REQUEST_RATE_LIMIT,
        /** Every call failed (server errors without a Bitrix24 answer, network) since the portal last answered one. */
        PORTAL_UNREACHABLE
    }

    public Bitrix24PortalWait {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(since, "since");
    }
}
