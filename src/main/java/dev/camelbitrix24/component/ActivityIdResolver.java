package dev.camelbitrix24.component;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Message;

/**
 * Finds the id of the activity to delete: in the body (a number, a string of digits, a Map or JSON object with
 * {@code id}), else in the {@link Bitrix24Constants#ACTIVITY_ID} header, else in the endpoint's {@code activityId}.
 * A body without an id (null, blank, an object without {@code id}) falls through to the header; an id that is there
 * but is not a positive integer fitting a long is refused, never replaced by another source and never sent: Bitrix24
 * itself would read {@code "12abc"} as 12 (it reads a leading number). A body object that carries both {@code id} and {@code ID}
 * (which Bitrix24 reads first) with different values is ambiguous and refused too.
 */
public final class ActivityIdResolver {

    /** {@link #decimalDigits}: the text is not a string of ASCII decimal digits. */
    public static final long NOT_DIGITS = -1;
    /** {@link #decimalDigits}: the digits denote a number larger than a long. */
    public static final long TOO_LARGE = -2;

    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger ABOVE_MAX = MAX.add(BigInteger.ONE);
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
                JsonNode upper = node.get("ID");
                return unambiguous(id == null || id.isNull() ? null : id, upper == null || upper.isNull() ? null : upper);
            }
            return node;
        }
        if (body instanceof Map<?, ?> map) {
            return unambiguous(map.get("id"), map.get("ID"));
        }
        if (body instanceof Number) {
            return body;
        }
        return NONE;
    }

    /** The body's {@code id}, or NONE; refused when Bitrix24 would read another id from its {@code ID} (its {@code ID} wins over {@code id}). */
    private static Object unambiguous(Object id, Object upper) {
        if (id == null) {
            return NONE;
        }
        if (upper != null) {
            BigInteger lower = toInteger(id);
            if (lower == null || !lower.equals(toInteger(upper))) {
                throw invalid("The body carries both id " + show(id) + " and ID " + show(upper)
                              + ": Bitrix24 reads ID, this component id; an ambiguous request is never sent");
            }
        }
        return id;
    }

    /**
     * The value of a string of ASCII decimal digits, leading zeros allowed ({@code "0042"} is 42): {@link #NOT_DIGITS}
     * when it is empty or holds anything else (signs, blanks, exponents), {@link #TOO_LARGE} when it exceeds a long.
     */
    public static long decimalDigits(CharSequence text) {
        int length = text.length();
        if (length == 0) {
            return NOT_DIGITS;
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return NOT_DIGITS;
            }
        }
        int start = 0;
        while (start < length - 1 && text.charAt(start) == '0') {
            start++;
        }
        if (length - start > 19) {
            return TOO_LARGE;
        }
        try {
            return Long.parseLong(text, start, length, 10);
        } catch (NumberFormatException e) {
            return TOO_LARGE;
        }
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
        if (candidate instanceof String text) {
            long value = decimalDigits(text);
            return value == NOT_DIGITS ? null : value == TOO_LARGE ? ABOVE_MAX : BigInteger.valueOf(value);
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
