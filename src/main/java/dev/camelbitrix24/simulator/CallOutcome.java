package dev.camelbitrix24.simulator;

import java.util.Map;

/**
 * What one method call gave: a result (with its {@code time}) or an error, and how long its reply is to be held
 * back for the simulated processing time (0 unless the portal holds replies for it).
 */
record CallOutcome(Object result, RestError error, Map<String, Object> time, long holdNanos) {

    /** A call refused before it ran: no time, nothing to hold. */
    static CallOutcome refused(RestError error) {
        return new CallOutcome(null, error, null, 0);
    }

    boolean failed() {
        return error != null;
    }
}
