package dev.camelbitrix24.simulator;

import java.util.Map;

/** How the CRM REST code reads an entity id: {@code ID} wins over {@code id}, cast with PHP's intval. */
final class ActivityIds {

    private ActivityIds() {
    }

    /** The id, or throws {@code ID is not defined or invalid.} when it is missing or not positive. */
    static long require(Map<String, Object> params) throws RestError {
        long id = read(params);
        if (id <= 0) {
            throw RestError.crm("ID is not defined or invalid.");
        }
        return id;
    }

    /** The id as the method would read it; 0 or less when it is missing or invalid. */
    static long read(Map<String, Object> params) {
        // isset(): a key holding null counts as absent
        Object raw = params.get("ID") != null ? params.get("ID") : params.get("id");
        return PhpValues.intval(raw);
    }
}
