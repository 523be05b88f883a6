package dev.camelbitrix24.simulator;

import java.util.Map;

/** What one method call gave: a result (with its {@code time}) or an error. */
record CallOutcome(Object result, RestError error, Map<String, Object> time) {

    boolean failed() {
        return error != null;
    }
}
