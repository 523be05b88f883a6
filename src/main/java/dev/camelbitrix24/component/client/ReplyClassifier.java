package dev.camelbitrix24.component.client;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.component.Bitrix24ErrorType;

import static dev.camelbitrix24.component.Bitrix24ErrorType.ACCESS_DENIED;
import static dev.camelbitrix24.component.Bitrix24ErrorType.APPLICATION_CONTEXT_REQUIRED;
import static dev.camelbitrix24.component.Bitrix24ErrorType.AUTHENTICATION_FAILED;
import static dev.camelbitrix24.component.Bitrix24ErrorType.INSUFFICIENT_SCOPE;
import static dev.camelbitrix24.component.Bitrix24ErrorType.NOT_FOUND;
import static dev.camelbitrix24.component.Bitrix24ErrorType.OPERATION_TIME_LIMIT;
import static dev.camelbitrix24.component.Bitrix24ErrorType.OVERLOADED;
import static dev.camelbitrix24.component.Bitrix24ErrorType.RATE_LIMITED;
import static dev.camelbitrix24.component.Bitrix24ErrorType.REFUSED;
import static dev.camelbitrix24.component.Bitrix24ErrorType.SERVER_ERROR;

/**
 * Turns a reply of {@code crm.activity.delete} into a {@link ReplyVerdict}. An error is recognised by
 * the PRESENCE of the {@code error} key, whatever its value: the method's own failures carry {@code "error": ""} and
 * are told apart by their description; system errors (Bitrix24 REST docs: "Errors") by their code. Only such an envelope is
 * Bitrix24's own answer, and only it can make a failure final: a reply without one (a proxy's HTML 429 or 408, a
 * body that is not JSON or is cut short, JSON without {@code error} or {@code result}) came from something between
 * the client and Bitrix24, whatever its status, and is a {@code SERVER_ERROR}: retried, and replayable once retries
 * run out. Never a parser exception.
 */
public final class ReplyClassifier {

    /** Bitrix24's system error codes (those of every method), upper-cased. Codes not listed fall back on the HTTP status. */
    private static final Map<String, Bitrix24ErrorType> SYSTEM_ERRORS = Map.ofEntries(
            Map.entry("QUERY_LIMIT_EXCEEDED", RATE_LIMITED),
            Map.entry("OPERATION_TIME_LIMIT", OPERATION_TIME_LIMIT),
            Map.entry("OVERLOAD_LIMIT", OVERLOADED),
            Map.entry("INTERNAL_SERVER_ERROR", SERVER_ERROR),
            Map.entry("ERROR_UNEXPECTED_ANSWER", SERVER_ERROR),
            Map.entry("WRONG_ENCODING", SERVER_ERROR),
            Map.entry("NO_AUTH_FOUND", AUTHENTICATION_FAILED),
            Map.entry("EXPIRED_TOKEN", AUTHENTICATION_FAILED),
            Map.entry("INVALID_TOKEN", AUTHENTICATION_FAILED),
            Map.entry("INVALID_CREDENTIALS", AUTHENTICATION_FAILED),
            Map.entry("INVALID_GRANT", AUTHENTICATION_FAILED),
            Map.entry("INVALID_CLIENT", AUTHENTICATION_FAILED),
            Map.entry("INSUFFICIENT_SCOPE", INSUFFICIENT_SCOPE),
            Map.entry("ACCESS_DENIED", ACCESS_DENIED),
            Map.entry("USER_ACCESS_ERROR", ACCESS_DENIED),
            Map.entry("ERROR_METHOD_NOT_FOUND", REFUSED),
            Map.entry("WRONG_AUTH_TYPE", REFUSED),
            Map.entry("PORTAL_DELETED", REFUSED),
            Map.entry("INVALID_REQUEST", REFUSED),
            Map.entry("PAYMENT_REQUIRED", REFUSED),
            Map.entry("ERROR_BATCH_LENGTH_EXCEEDED", REFUSED),
            Map.entry("ERROR_BATCH_METHOD_NOT_ALLOWED", REFUSED));

    /** The descriptions of the empty-code failures of crm.activity.delete, lower-cased without the final period. */
    private static final Map<String, Bitrix24ErrorType> DELETE_FAILURES = Map.of(
            "activity is not found", NOT_FOUND,
            "access denied", ACCESS_DENIED,
            "application context required", APPLICATION_CONTEXT_REQUIRED,
            // sent, and refused by Bitrix24: INVALID_REQUEST is kept for requests refused before they are sent
            "id is not defined or invalid", REFUSED);

    /** The HTTP statuses Bitrix24 sends with its system errors, for a batch command's error, which comes without a status of its own. */
    private static final Map<String, Integer> SYSTEM_ERROR_STATUS = Map.ofEntries(
            Map.entry("QUERY_LIMIT_EXCEEDED", 503),
            Map.entry("OPERATION_TIME_LIMIT", 429),
            Map.entry("OVERLOAD_LIMIT", 503),
            Map.entry("INTERNAL_SERVER_ERROR", 500),
            Map.entry("ERROR_UNEXPECTED_ANSWER", 500),
            Map.entry("NO_AUTH_FOUND", 401),
            Map.entry("EXPIRED_TOKEN", 401),
            Map.entry("INVALID_TOKEN", 401),
            Map.entry("INVALID_CREDENTIALS", 403),
            Map.entry("INSUFFICIENT_SCOPE", 403),
            Map.entry("USER_ACCESS_ERROR", 403),
            Map.entry("ACCESS_DENIED", 403),
            Map.entry("WRONG_AUTH_TYPE", 403),
            Map.entry("ERROR_METHOD_NOT_FOUND", 404),
            Map.entry("ERROR_BATCH_METHOD_NOT_ALLOWED", 405),
            Map.entry("PORTAL_DELETED", 500));

    private final ObjectMapper mapper;

    public ReplyClassifier(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ReplyVerdict classify(int status, byte[] body, String contentType) {
        JsonNode json = parse(body);
        if (json == null || !json.isObject()) {
            return new ReplyVerdict(SERVER_ERROR, null, describeUnreadable(status, body, contentType, json), status, null);
        }
        TimeFigures time = TimeFigures.of(json);
        if (json.has("error")) {
            JsonNode errorNode = json.get("error");
            String code = errorNode.isNull() ? "" : errorNode.asText();
            JsonNode descriptionNode = json.get("error_description");
            String description = descriptionNode == null || descriptionNode.isNull() ? "" : descriptionNode.asText();
            return new ReplyVerdict(typeOf(code, description, status), code, description, status, time);
        }
        JsonNode result = json.get("result");
        if (status == 200 && result != null && result.isBoolean() && result.booleanValue()) {
            return new ReplyVerdict(null, null, null, status, time);
        }
        String what = result == null ? "a reply without result or error" : "an unexpected result " + abbreviate(result.toString());
        return new ReplyVerdict(SERVER_ERROR, null, "HTTP " + status + " with " + what, status, time);
    }

    /** The type of an error envelope: by description when the code is empty, else by code, else by status. */
    public static Bitrix24ErrorType typeOf(String code, String description, int status) {
        if (code.isEmpty()) {
            Bitrix24ErrorType type = DELETE_FAILURES.get(normalize(description));
            if (type != null) {
                return type;
            }
        } else {
            Bitrix24ErrorType type = SYSTEM_ERRORS.get(code.toUpperCase(Locale.ROOT));
            if (type != null) {
                // ERROR_CORE is not listed: it is a server failure at 500, a refusal at 400, like any unknown code
                return type;
            }
        }
        return status >= 500 ? SERVER_ERROR : REFUSED;
    }

    /**
     * The HTTP status Bitrix24 answers an error with when the call is made alone: the method's own failures (empty
     * code) and unlisted codes 400, system errors the status Bitrix24 sends with them. A command inside a batch fails inside a 200
     * reply; its outcome reports this status, as if it had been sent alone.
     */
    public static int statusWhenAlone(String code) {
        return code == null || code.isEmpty() ? 400 : SYSTEM_ERROR_STATUS.getOrDefault(code.toUpperCase(Locale.ROOT), 400);
    }

    private static String normalize(String description) {
        String d = description.trim().toLowerCase(Locale.ROOT);
        while (d.endsWith(".") || d.endsWith("!")) {
            d = d.substring(0, d.length() - 1).trim();
        }
        return d;
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            // truncated or not JSON at all: the caller types it from the status
            return null;
        }
    }

    /** Says what came back without quoting it: an HTML error page may echo the request URL, webhook code included. */
    private static String describeUnreadable(int status, byte[] body, String contentType, JsonNode json) {
        int length = body == null ? 0 : body.length;
        String shape = length == 0 ? "an empty reply"
                : json != null ? "a JSON " + json.getNodeType().name().toLowerCase(Locale.ROOT) + " instead of an object"
                : "a reply that is not complete JSON (" + (contentType == null ? "no content type" : contentType) + ", "
                  + length + " bytes)";
        return "HTTP " + status + " with " + shape;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
