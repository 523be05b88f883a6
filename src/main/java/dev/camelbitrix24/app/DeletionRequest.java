package dev.camelbitrix24.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.camelbitrix24.component.ActivityIdResolver;

/**
 * A deletion request as read from the request topic: the activity id, and the optional requestId that every outcome
 * echoes. {@link #parse(byte[])} is strict on purpose: a request that could be read two ways deletes nothing (a
 * top-level field the pipeline or Bitrix24 reads given twice, an {@code ID} that differs from {@code id}).
 */
public record DeletionRequest(long id, String requestId) {

    /**
     * The longest requestId, in characters, that is echoed (a header and the succeeded value carry it): without a
     * limit a request near the broker's record limit would give an outcome Kafka refuses, and stall its partition.
     */
    public static final int REQUEST_ID_LIMIT = 256;

    /** The top-level fields that decide what is deleted and what is echoed: Bitrix24 reads {@code ID} before {@code id}. */
    private static final Set<String> READ_FIELDS = Set.of("id", "ID", "requestId");
    private static final int QUOTE_LIMIT = 40;
    // ": enable `JsonReadFeature.X` to allow" and ", from `StreamReadConstraints.getMaxNestingDepth()`"
    // and " (bound as `com.fasterxml...JsonNode`): not allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`"
    private static final Pattern PARSER_HINT =
            Pattern.compile("[,:]? *(enable|from|not allowed as per) `[^`]*`( to allow)?| *\\(bound as `[^`]*`\\)");
    // " (start marker at [Source: REDACTED (...); line: 1, column: 1])": the value has one line, and is not shown
    private static final Pattern PARSER_LOCATION = Pattern.compile(" *(\\(start marker )?at \\[Source:[^\\]]*]\\)?");
    private static final int MESSAGE_LIMIT = 200;

    // no STRICT_DUPLICATE_DETECTION: a duplicate inside an ignored field changes nothing; the top level is checked here
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Reads a request value (UTF-8 JSON) or throws {@link InvalidRequestException} saying what is wrong with it. */
    public static DeletionRequest parse(byte[] value) {
        DeletionRequest plain = parsePlain(value);
        return plain != null ? plain : parseAndDescribe(value);
    }

    /**
     * The common case, read as a stream of tokens (no UTF-8 decoding, no tree): an ASCII object with an id that is a
     * positive number or a string of digits, a requestId that is a string or null, and no {@code ID}. Null for anything
     * else, which {@link #parseAndDescribe} reads again: it accepts exactly the same values and says what is wrong with
     * the rest.
     */
    static DeletionRequest parsePlain(byte[] value) {
        if (value == null || value.length == 0 || value[0] != '{') {
            return null;
        }
        for (byte b : value) {
            if (b < 0) {
                return null;
            }
        }
        long id = -1;
        String requestId = null;
        boolean requestIdSeen = false;
        try (JsonParser json = MAPPER.createParser(value)) {
            json.nextToken();
            for (JsonToken token = json.nextToken(); token == JsonToken.FIELD_NAME; token = json.nextToken()) {
                String field = json.currentName();
                JsonToken next = json.nextToken();
                if ("id".equals(field)) {
                    if (id != -1) {
                        return null;
                    }
                    if (next == JsonToken.VALUE_NUMBER_INT && json.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                        id = json.getLongValue();
                    } else if (next == JsonToken.VALUE_STRING) {
                        id = ActivityIdResolver.decimalDigits(json.getText());
                    } else {
                        return null;
                    }
                    if (id <= 0) {
                        return null;
                    }
                } else if ("requestId".equals(field)) {
                    if (requestIdSeen) {
                        return null;
                    }
                    requestIdSeen = true;
                    if (next == JsonToken.VALUE_STRING && json.getTextLength() <= REQUEST_ID_LIMIT) {
                        requestId = json.getText();
                    } else if (next != JsonToken.VALUE_NULL) {
                        return null;
                    }
                } else if ("ID".equals(field)) {
                    // what Bitrix24 would read: compared with id by the describing reading
                    return null;
                } else {
                    json.skipChildren();
                }
            }
            if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null || id <= 0) {
                return null;
            }
        } catch (IOException e) {
            // malformed, nested too deep: described by parseAndDescribe
            return null;
        }
        return new DeletionRequest(id, requestId);
    }

    static DeletionRequest parseAndDescribe(byte[] value) {
        if (value == null) {
            throw new InvalidRequestException("the value is null (a tombstone); expected a JSON object with an id", null);
        }
        if (value.length == 0) {
            throw new InvalidRequestException("the value is empty; expected a JSON object with an id", null);
        }
        String text = decodeUtf8(value);
        if (text.charAt(0) == '\uFEFF') {
            throw new InvalidRequestException("the value starts with a byte-order mark; expected plain UTF-8 JSON", null);
        }
        if (text.isBlank()) {
            throw new InvalidRequestException("the value is blank; expected a JSON object with an id", null);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("the value is not valid JSON: "
                    + RequestText.shorten(withoutParserHints(e.getOriginalMessage()), MESSAGE_LIMIT), null);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("the value is " + describe(root) + ", not a JSON object with an id", null);
        }
        String twice = readFieldGivenTwice(text);
        if (twice != null) {
            throw new InvalidRequestException("the field " + twice + " is given more than once; a request that could be "
                    + "read two ways deletes nothing", null);
        }
        String requestId = readRequestId(root.get("requestId"));
        long id = readId(root.get("id"), requestId);
        JsonNode upper = root.get("ID");
        if (upper != null && !upper.isNull() && idOrNothing(upper) != id) {
            throw new InvalidRequestException("the request carries both id " + id + " and ID "
                    + RequestText.shorten(upper.toString(), QUOTE_LIMIT) + ", and Bitrix24 reads ID; a request that "
                    + "could be read two ways deletes nothing", requestId);
        }
        return new DeletionRequest(id, requestId);
    }

    /** The first of {@link #READ_FIELDS} that the object (already read once, so well-formed) gives twice at its top level. */
    private static String readFieldGivenTwice(String text) {
        Set<String> seen = new HashSet<>();
        try (JsonParser json = MAPPER.createParser(text)) {
            json.nextToken();
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                if (READ_FIELDS.contains(field) && !seen.add(field)) {
                    return field;
                }
                json.nextToken();
                json.skipChildren();
            }
        } catch (IOException e) {
            throw new IllegalStateException("a value read once could not be read again", e);
        }
        return null;
    }

    /** The id an {@code ID} field denotes, read by the rules of {@code id}; -1 when it denotes none. */
    private static long idOrNothing(JsonNode node) {
        try {
            return readId(node, null);
        } catch (InvalidRequestException e) {
            return -1;
        }
    }

    private static String decodeUtf8(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException("the value is not valid UTF-8", null);
        }
    }

    private static String readRequestId(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidRequestException("requestId must be a string, got " + describe(node), null);
        }
        String requestId = node.textValue();
        if (requestId.length() > REQUEST_ID_LIMIT && requestId.codePointCount(0, requestId.length()) > REQUEST_ID_LIMIT) {
            // not echoed anywhere, not even shortened: the outcome shows no requestId at all
            throw new InvalidRequestException("requestId is longer than " + REQUEST_ID_LIMIT + " characters", null);
        }
        return requestId;
    }

    private static long readId(JsonNode node, String requestId) {
        if (node == null) {
            throw new InvalidRequestException("the field id is missing", requestId);
        }
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw new InvalidRequestException("id " + RequestText.shorten(node.asText(), QUOTE_LIMIT)
                        + " is larger than a 64-bit integer", requestId);
            }
            return positive(node.longValue(), node.asText(), requestId);
        }
        if (node.isNumber()) {
            throw new InvalidRequestException("id must be a whole number written without a fraction or an exponent, got "
                    + RequestText.shorten(node.asText(), QUOTE_LIMIT), requestId);
        }
        if (node.isTextual()) {
            String text = node.textValue();
            long id = ActivityIdResolver.decimalDigits(text);
            if (id == ActivityIdResolver.NOT_DIGITS) {
                throw new InvalidRequestException("id must be a positive integer written with decimal digits only, got \""
                        + RequestText.shorten(text, QUOTE_LIMIT) + "\"", requestId);
            }
            if (id == ActivityIdResolver.TOO_LARGE) {
                throw new InvalidRequestException("id \"" + RequestText.shorten(text, QUOTE_LIMIT)
                        + "\" is larger than a 64-bit integer", requestId);
            }
            return positive(id, "\"" + RequestText.shorten(text, QUOTE_LIMIT) + "\"", requestId);
        }
        throw new InvalidRequestException("id must be a positive integer (a JSON number or a string of decimal digits), got "
                + describe(node), requestId);
    }

    private static long positive(long id, String text, String requestId) {
        if (id <= 0) {
            throw new InvalidRequestException("id must be a positive integer, got " + text, requestId);
        }
        return id;
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "null";
        }
        if (node.isArray()) {
            return "a JSON array";
        }
        if (node.isObject()) {
            return "a JSON object";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isNumber()) {
            return "a number";
        }
        return "a string";
    }

    /** Jackson's messages end with advice for programmers ("enable `JsonReadFeature...` to allow") and a source location: not for a user. */
    private static String withoutParserHints(String message) {
        if (message == null) {
            return "";
        }
        return PARSER_HINT.matcher(PARSER_LOCATION.matcher(message).replaceAll("")).replaceAll("").trim();
    }
}
