package dev.camelbitrix24.component;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Message;

/**
 * Finds the id of the activity to delete: in the body (a number, a string of digits, a Map or JSON object with
 * {@code id}), else in the {@link Bitrix24Constants#ACTIVITY_ID} header, else in the endpoint's {@code activityId}.
 * A body without an id (null, blank, an object without {@code id}) falls through to the header; an id that is there
 * but is not a positive integer fitting a long is refused, never replaced by another source and never sent: Bitrix24
 * itself would read {@code "12abc"} as 12 (PROTOCOL §3.1).
 */
public final class ActivityIdResolver {

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final Object NONE = new Object();

    private final ObjectMapper mapper;

    public ActivityIdResolver(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The id, or a {@link Bitrix24Exception} of type INVALID_REQUEST with 0 attempts. */
    public long resolve(Message message, Long defaultId) {
        Object candidate = fromBody(message.getBody());
        String source = "the body";
        if (candidate == NONE) {
            candidate = message.getHeader(Bitrix24Constants.ACTIVITY_ID);
            source = "the " + Bitrix24Constants.ACTIVITY_ID + " header";
        }
        if (candidate == null) {
            candidate = defaultId;
            source = "the activityId option";
        }
        if (candidate == null) {
            throw invalid("No activity id: the body, the " + Bitrix24Constants.ACTIVITY_ID
                          + " header and the activityId option carry none");
        }
        BigInteger id = toInteger(candidate);
        if (id == null || id.signum() <= 0 || id.compareTo(MAX) > 0) {
            throw invalid("The activity id must be a positive integer that fits in a long; " + source + " has "
                          + show(candidate));
        }
        return id.longValue();
    }

    /** The id candidate in a body, or NONE when the body does not carry one. */
    private Object fromBody(Object body) {
        if (body instanceof byte[] bytes) {
            body = new String(bytes, StandardCharsets.UTF_8);
        }
        if (body == null) {
            return NONE;
        }
        if (body instanceof String text) {
            String trimmed = text.trim();
            if (trimmed.isEmpty()) {
                return NONE;
            }
            if (!trimmed.startsWith("{")) {
                return text;
            }
            try {
                body = mapper.readTree(trimmed);
            } catch (IOException e) {
                // a broken JSON object is an id that is not valid, not a body without id
                return text;
            }
        }
        if (body instanceof JsonNode node) {
            if (node.isObject()) {
                JsonNode id = node.get("id");
                return id == null || id.isNull() ? NONE : id;
            }
            return node;
        }
        if (body instanceof Map<?, ?> map) {
            Object id = map.get("id");
            return id == null ? NONE : id;
        }
        if (body instanceof Number) {
            return body;
        }
        return NONE;
    }

    private static BigInteger toInteger(Object candidate) {
        if (candidate instanceof JsonNode node) {
            if (node.isIntegralNumber()) {
                return node.bigIntegerValue();
            }
            candidate = node.isTextual() ? node.textValue() : null;
        }
        if (candidate instanceof Long || candidate instanceof Integer || candidate instanceof Short
            || candidate instanceof Byte) {
            return BigInteger.valueOf(((Number) candidate).longValue());
        }
        if (candidate instanceof BigInteger big) {
            return big;
        }
        if (candidate instanceof String text && DIGITS.matcher(text).matches()) {
            return new BigInteger(text);
        }
        // floating-point numbers, signs, spaces, "12abc" and other types are refused
        return null;
    }

    private static String show(Object candidate) {
        String text = candidate instanceof JsonNode node ? node.toString() : String.valueOf(candidate);
        if (text.length() > 40) {
            text = text.substring(0, 40) + "...";
        }
        return candidate instanceof String ? "\"" + text + "\"" : text + " (" + candidate.getClass().getSimpleName() + ")";
    }

    private static Bitrix24Exception invalid(String description) {
        return new Bitrix24Exception(Bitrix24ErrorType.INVALID_REQUEST, null, description, 0, false, 0, null);
    }
}
