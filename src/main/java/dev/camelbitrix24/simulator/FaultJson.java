package dev.camelbitrix24.simulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link FaultSpec} as JSON for the control API: {@code {"kind": "status", "status": 502, "body": "...",
 * "contentType": "...", "times": 3, "fraction": 0.5, "method": "crm.activity.delete"}}; kinds are {@code status},
 * {@code internal_server_error}, {@code bad_gateway_html}, {@code overload_limit}, {@code delay} (with
 * {@code delayMillis}), {@code reset_mid_reply}, {@code reply_lost}, {@code replaced_reply} (with {@code status} and
 * {@code body}, played after the call ran), {@code wrong_encoding}, {@code truncated_reply} and {@code moved} (with {@code movedTo}, the new base URL).
 */
final class FaultJson {

    private FaultJson() {
    }

    static FaultSpec read(JsonNode json) {
        String kind = json.path("kind").asText("").toLowerCase(Locale.ROOT);
        FaultSpec spec;
        switch (kind) {
            case "status":
                if (!json.has("status") || !json.has("body")) {
                    throw new IllegalArgumentException("a status fault needs status and body");
                }
                spec = FaultSpec.status(json.get("status").asInt(), json.get("body").asText());
                break;
            case "internal_server_error":
                spec = FaultSpec.internalServerError();
                break;
            case "bad_gateway_html":
                spec = FaultSpec.badGatewayHtml();
                break;
            case "overload_limit":
                spec = FaultSpec.overloadLimit();
                break;
            case "delay":
                spec = FaultSpec.delay(Duration.ofMillis(json.path("delayMillis").asLong(0)));
                break;
            case "reset_mid_reply":
                spec = FaultSpec.resetMidReply();
                break;
            case "reply_lost":
                spec = FaultSpec.replyLost();
                break;
            case "replaced_reply":
                if (!json.has("status") || !json.has("body")) {
                    throw new IllegalArgumentException("a replaced_reply fault needs status and body");
                }
                spec = FaultSpec.replacedReply(json.get("status").asInt(), json.get("body").asText());
                break;
            case "wrong_encoding":
                spec = FaultSpec.wrongEncoding();
                break;
            case "truncated_reply":
                spec = FaultSpec.truncatedReply();
                break;
            case "moved":
                if (!json.hasNonNull("movedTo")) {
                    throw new IllegalArgumentException("a moved fault needs movedTo, the new base URL");
                }
                spec = FaultSpec.movedTo(json.get("movedTo").asText());
                break;
            default:
                throw new IllegalArgumentException("unknown fault kind '" + kind + "'");
        }
        if (json.hasNonNull("contentType")) {
            spec = spec.contentType(json.get("contentType").asText());
        }
        if (json.has("times")) {
            spec = spec.times(json.get("times").asInt());
        }
        if (json.has("fraction")) {
            spec = spec.fraction(json.get("fraction").asDouble());
        }
        if (json.hasNonNull("method")) {
            spec = spec.onMethod(json.get("method").asText());
        }
        return spec;
    }

    static Map<String, Object> write(FaultSpec spec) {
        return ControlHttpApi.map("kind", spec.kind().name().toLowerCase(Locale.ROOT), "status", spec.httpStatus(),
                "delayMillis", spec.delayValue() == null ? null : spec.delayValue().toMillis(),
                "times", spec.timesValue(), "fraction", spec.fractionValue(), "method", spec.methodValue(),
                "movedTo", spec.movedToValue());
    }
}
