package dev.camelbitrix24.simulator;

import java.util.Map;

/** One REST method of the simulated portal. */
interface RestMethod {

    /** Lower-case name, e.g. {@code crm.activity.delete}. */
    String name();

    /** The scope a webhook or app must have, or null when any authenticated caller may call it. */
    String scope();

    /** Runs the method; returns the {@code result} value (or a {@link ListResult}), or throws the error reply. */
    Object call(Caller caller, Map<String, Object> params) throws RestError;

    /**
     * A list method's page: {@code result}, plus the top-level {@code next} (null on the last page) and {@code total}
     * (null when the caller asked for no count, {@code start=-1}).
     */
    record ListResult(Object items, Integer next, Integer total) {
    }
}
