package dev.camelbitrix24.component.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The figures of a reply's {@code time} object that a caller acts on (every reply carries one); each may be absent.
 */
public record TimeFigures(Double operating, Long operatingResetAt, Double duration) {

    /** Reads {@code time} from a reply body; null when the body has none. */
    public static TimeFigures of(JsonNode body) {
        JsonNode time = body == null ? null : body.get("time");
        if (time == null || !time.isObject()) {
            return null;
        }
        JsonNode operating = time.get("operating");
        JsonNode resetAt = time.get("operating_reset_at");
        JsonNode duration = time.get("duration");
        return new TimeFigures(
                operating != null && operating.isNumber() ? operating.asDouble() : null,
                resetAt != null && resetAt.isNumber() ? resetAt.asLong() : null,
                duration != null && duration.isNumber() ? duration.asDouble() : null);
    }
}
