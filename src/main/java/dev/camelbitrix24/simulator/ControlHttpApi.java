package dev.camelbitrix24.simulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The JSON inspection and control API under {@code /_simulator/}; src/main/docs/simulator.md lists every endpoint. */
final class ControlHttpApi {

    static final String PREFIX = "/_simulator";

    private final SimulatorControl control;

    ControlHttpApi(SimulatorControl control) {
        this.control = control;
    }

    Reply handle(String httpMethod, String fullPath, byte[] body) {
        String path = fullPath.substring(PREFIX.length());
        if (path.endsWith("/") && path.length() > 1) {
            path = path.substring(0, path.length() - 1);
        }
        JsonNode json = Json.readTree(body);
        if (json == null) {
            return bad("the body must be a JSON object");
        }
        boolean read = httpMethod.equals("GET");
        boolean write = httpMethod.equals("POST") || httpMethod.equals("PUT");
        try {
            if (read && (path.isEmpty() || path.equals("/") || path.equals("/state"))) {
                return ok(state());
            }
            if (read && path.startsWith("/activities/")) {
                long id = Long.parseLong(path.substring("/activities/".length()));
                return ok(map("id", id, "exists", control.activityExists(id)));
            }
            if (write && path.equals("/activities/seed")) {
                control.seedActivities(json.path("firstId").asLong(1), json.path("count").asInt(0));
                return ok(map("activityCount", control.activityCount()));
            }
            if (write && path.equals("/activities")) {
                return ok(map("id", control.addActivity(activitySpec(json))));
            }
            if (read && path.equals("/calls")) {
                return ok(control.callCounts());
            }
            if (read && path.startsWith("/calls/")) {
                String method = path.substring("/calls/".length());
                return ok(map("method", method, "count", control.callCount(method)));
            }
            if (write && path.equals("/faults")) {
                control.injectFault(FaultJson.read(json));
                return ok(map("faults", faults()));
            }
            if (httpMethod.equals("DELETE") && path.equals("/faults")) {
                control.clearFaults();
                return ok(map("faults", List.of()));
            }
            if (write && path.equals("/reset")) {
                control.reset();
                return ok(state());
            }
            if (write && path.equals("/rate-plan")) {
                control.setRatePlan(json.hasNonNull("plan") ? RatePlan.parse(json.get("plan").asText())
                        : RatePlan.custom(json.path("burst").asInt(), json.path("perSecond").asDouble()));
                return ok(ratePlan(control.ratePlan()));
            }
            if (write && path.equals("/operating-time-limit")) {
                control.setOperatingTimeLimit(operatingLimit(json, control.operatingTimeLimit()));
                return ok(operatingLimit(control.operatingTimeLimit()));
            }
            if (write && path.equals("/reply-latency")) {
                control.setReplyLatency(replyLatency(json));
                return ok(replyLatency(control.replyLatency()));
            }
            if (write && path.equals("/webhooks")) {
                control.addWebhook(json.path("userId").asInt(), json.path("code").asText(null), strings(json.path("scopes")));
                return ok(map("userId", json.path("userId").asInt(), "code", json.path("code").asText()));
            }
            if (write && path.equals("/oauth/apps")) {
                String clientId = json.path("clientId").asText(null);
                if (json.has("scopes")) {
                    control.registerOAuthApp(clientId, json.path("clientSecret").asText(null), strings(json.get("scopes")));
                } else {
                    control.registerOAuthApp(clientId, json.path("clientSecret").asText(null));
                }
                return ok(map("clientId", clientId));
            }
            if (write && path.equals("/oauth/tokens")) {
                TokenPair pair = control.issueTokens(json.path("clientId").asText(null), json.path("userId").asInt(1));
                return ok(map("accessToken", pair.accessToken(), "refreshToken", pair.refreshToken()));
            }
            if (write && path.equals("/oauth/expire-access-tokens")) {
                control.expireAccessTokens();
                return ok(map("expired", true));
            }
            if (write && path.matches("/users/\\d+/crm-access")) {
                int userId = Integer.parseInt(path.split("/")[2]);
                control.setCrmAccess(userId, json.path("canReadCrm").asBoolean(true));
                return ok(map("userId", userId, "canReadCrm", json.path("canReadCrm").asBoolean(true)));
            }
        } catch (IllegalArgumentException e) {
            // includes NumberFormatException from a non-numeric id in the path
            return bad(e.getMessage());
        }
        return Reply.json(404, map("error", "NOT_FOUND", "error_description",
                "no control endpoint " + httpMethod + " " + fullPath + " (see the simulator's documentation, simulator.md: The /_simulator/ control API)"));
    }

    private Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("activityCount", control.activityCount());
        state.put("ratePlan", ratePlan(control.ratePlan()));
        state.put("operatingTimeLimit", operatingLimit(control.operatingTimeLimit()));
        state.put("replyLatency", replyLatency(control.replyLatency()));
        state.put("calls", control.callCounts());
        state.put("rateLimitRejections", control.rateLimitRejections());
        state.put("operatingLimitRejections", control.operatingLimitRejections());
        state.put("maxRequestRate", control.maxRequestRate());
        state.put("tokenRefreshCount", control.tokenRefreshCount());
        state.put("faults", faults());
        return state;
    }

    private List<Object> faults() {
        List<Object> list = new ArrayList<>();
        control.activeFaults().forEach(f -> list.add(FaultJson.write(f)));
        return list;
    }

    private static Map<String, Object> ratePlan(RatePlan plan) {
        return map("name", plan.name(), "burst", plan.burst(), "perSecond", plan.perSecond(), "enabled", plan.enabled());
    }

    private static Map<String, Object> operatingLimit(OperatingTimeLimit limit) {
        ProcessingTime processing = limit.processingTime();
        return map("limitMillis", limit.limit().toMillis(), "bucketMillis", limit.bucketLength().toMillis(),
                "processingMillis", processing.min().toMillis(), "processingMaxMillis", processing.max().toMillis(),
                "processingPerActivity", processing.perActivity(), "holdForProcessing", processing.holdReply(),
                "minimumCountedMillis", limit.minimumCounted().toMillis());
    }

    private static OperatingTimeLimit operatingLimit(JsonNode json, OperatingTimeLimit current) {
        OperatingTimeLimit limit = current;
        if (json.has("limitMillis")) {
            limit = limit.withLimit(millis(json, "limitMillis"));
        }
        if (json.has("bucketMillis")) {
            limit = limit.withBucketLength(millis(json, "bucketMillis"));
        }
        ProcessingTime processing = limit.processingTime();
        if (json.has("processingMillis") || json.has("processingMaxMillis")) {
            // processingMillis alone means a fixed time, as it always has
            Duration min = json.has("processingMillis") ? millis(json, "processingMillis") : processing.min();
            Duration max = json.has("processingMaxMillis") ? millis(json, "processingMaxMillis") : min;
            processing = processing.withRange(min, max);
        }
        if (json.has("processingPerActivity")) {
            processing = processing.withPerActivity(bool(json, "processingPerActivity"));
        }
        if (json.has("holdForProcessing")) {
            processing = processing.withHoldReply(bool(json, "holdForProcessing"));
        }
        limit = limit.withProcessingTime(processing);
        if (json.has("minimumCountedMillis")) {
            limit = limit.withMinimumCounted(millis(json, "minimumCountedMillis"));
        }
        return limit;
    }

    private static Map<String, Object> replyLatency(ReplyLatency latency) {
        return map("minMillis", latency.min().toMillis(), "maxMillis", latency.max().toMillis());
    }

    /** {@code minMillis} is required; {@code maxMillis} defaults to it. */
    private static ReplyLatency replyLatency(JsonNode json) {
        if (!json.has("minMillis")) {
            throw new IllegalArgumentException("minMillis is required (0 turns the reply latency off)");
        }
        Duration min = millis(json, "minMillis");
        return new ReplyLatency(min, json.has("maxMillis") ? millis(json, "maxMillis") : min);
    }

    /** A field of whole milliseconds, 0 or more. */
    private static Duration millis(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new IllegalArgumentException(field + " must be a whole number of milliseconds, 0 or more: " + value);
        }
        return Duration.ofMillis(value.asLong());
    }

    private static boolean bool(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(field + " must be true or false: " + value);
        }
        return value.booleanValue();
    }

    private static ActivitySpec activitySpec(JsonNode json) {
        ActivitySpec spec = ActivitySpec.plain();
        if (json.hasNonNull("ownerApp")) {
            spec = spec.ownedByApp(json.get("ownerApp").asText());
        }
        if (json.has("readableBy")) {
            spec = spec.readableOnlyBy(ints(json.get("readableBy")));
        }
        if (json.has("deletableBy")) {
            spec = spec.deletableOnlyBy(ints(json.get("deletableBy")));
        }
        if (json.hasNonNull("subject")) {
            spec = spec.subject(json.get("subject").asText());
        }
        return spec;
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> values = new HashSet<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }

    private static Reply ok(Object value) {
        return Reply.json(200, value);
    }

    private static Reply bad(String message) {
        return Reply.json(400, map("error", "BAD_CONTROL_REQUEST", "error_description", String.valueOf(message)));
    }

    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
