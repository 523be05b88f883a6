package dev.camelbitrix24.simulator;

import java.util.Map;

/** How the CRM REST code reads an entity id: {@code ID} wins over {@code id}, cast with PHP's intval. */
final class ActivityIds {

    private ActivityIds() {
    }

    /** The id, or throws {@code ID is not defined or invalid.} when it is missing or not positive. */
    static long require(Map<String, Object> params) throws RestError {
        // isset(): a key holding null counts as absent
        Object raw = params.get("ID") != null ? params.get("ID") : params.get("id");
        long id = PhpValues.intval(raw);
        if (id <= 0) {
            throw RestError.crm("ID is not defined or invalid.");
        }
        return id;
    }
}
