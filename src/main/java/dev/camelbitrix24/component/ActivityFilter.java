package dev.camelbitrix24.component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@code crm.activity.list} filter the component accepts, checked before anything is sent: a non-empty object whose
 * keys are a supported field with an optional operator prefix, as crm.activity.list takes them, and whose values fit
 * the field. A filter that could select more than its author meant (an unknown field, which Bitrix24 may ignore; an
 * operator it reads differently; a field given twice) is refused with a description, so that nothing is listed.
 * <ul>
 * <li>Fields: {@code ID}, {@code OWNER_TYPE_ID}, {@code OWNER_ID}, {@code TYPE_ID}, {@code RESPONSIBLE_ID} (whole
 * numbers, 0 or more, as JSON numbers or strings of digits), {@code COMPLETED} ({@code "Y"} or {@code "N"}),
 * {@code PROVIDER_ID} (letters, digits, {@code _ . -}).</li>
 * <li>Operators: none or {@code =} (equal), {@code !} and {@code !=} (not equal), {@code >}, {@code >=}, {@code <},
 * {@code <=}, {@code @} (in) and {@code !@} (not in). An array value means "any of" ("none of" with a negation); it is
 * what {@code @} and {@code !@} take, and the comparisons take none.</li>
 * </ul>
 * Immutable; {@link #after(long)} gives the filter of one page of keyset paging.
 */
public final class ActivityFilter {

    /** The fields a filter may name. */
    public static final List<String> FIELDS = List.of("ID", "OWNER_TYPE_ID", "OWNER_ID", "TYPE_ID", "RESPONSIBLE_ID",
            "COMPLETED", "PROVIDER_ID");
    /** The operator prefixes, longest first (the order a key is read in). */
    public static final List<String> OPERATORS = List.of("!@", "!=", ">=", "<=", "!", "=", ">", "<", "@");
    /** The most values an array may hold: a filter travels in every list call. */
    public static final int MAX_VALUES = 500;

    private static final Set<String> TEXT_FIELDS = Set.of("COMPLETED", "PROVIDER_ID");
    private static final Set<String> COMPARISONS = Set.of(">", ">=", "<", "<=");
    private static final Pattern PROVIDER = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
    private static final int QUOTE_LIMIT = 40;
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private final ObjectNode filter;

    private ActivityFilter(ObjectNode filter) {
        this.filter = filter;
    }

    /**
     * The filter in {@code value}: a Map, a Jackson object, or a JSON object as a String or UTF-8 bytes. Throws a
     * {@link Bitrix24Exception} of type {@code INVALID_REQUEST}, 0 attempts, saying what is wrong.
     */
    public static ActivityFilter of(Object value) {
        JsonNode node;
        try {
            if (value instanceof JsonNode json) {
                node = json;
            } else if (value instanceof Map<?, ?> map) {
                node = MAPPER.valueToTree(map);
            } else if (value instanceof byte[] bytes) {
                node = MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
            } else if (value instanceof String text) {
                node = MAPPER.readTree(text);
            } else {
                throw invalid("the filter must be a JSON object (a Map, or JSON text), got "
                              + (value == null ? "nothing" : value.getClass().getSimpleName()));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw invalid("the filter is not a JSON object without duplicate keys");
        }
        if (node == null || !node.isObject()) {
            throw invalid("the filter must be a JSON object, got " + (node == null ? "nothing" : node.getNodeType()
                    .name().toLowerCase(Locale.ROOT)));
        }
        if (node.isEmpty()) {
            throw invalid("the filter is empty: it would select every activity of the portal");
        }
        ObjectNode checked = MAPPER.createObjectNode();
        Set<String> seen = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            String operator = operatorOf(key);
            String field = key.substring(operator.length());
            if (!FIELDS.contains(field)) {
                String known = FIELDS.stream().filter(key::endsWith).findFirst().orElse(null);
                throw invalid(known != null
                        ? "the filter key " + quote(key) + " has an operator the component does not support (supported: "
                          + "none, " + String.join(" ", OPERATORS) + ")"
                        : "the filter names the field " + quote(field) + ", which the component does not filter on "
                          + "(supported: " + String.join(", ", FIELDS) + ")");
            }
            // "OWNER_ID" and "=OWNER_ID", or "!OWNER_ID" and "!=OWNER_ID", say one thing twice: maybe two things
            String meaning = (operator.isEmpty() ? "=" : operator.equals("!=") ? "!" : operator) + field;
            if (!seen.add(meaning)) {
                throw invalid("the filter gives " + field + " with the operator "
                              + quote(meaning.substring(0, meaning.length() - field.length()))
                              + " twice; a filter that could be read two ways lists nothing");
            }
            checked.set(key, value(key, operator, field, entry.getValue()));
        }
        return new ActivityFilter(checked);
    }

    /**
     * The filter of the page after {@code afterId} in keyset paging: this filter and {@code >ID} the cursor, or the
     * filter's own {@code >ID} when it is larger.
     */
    public ObjectNode after(long afterId) {
        ObjectNode page = filter.deepCopy();
        JsonNode own = filter.get(">ID");
        long bound = own == null ? afterId : Math.max(afterId, own.asLong());
        page.put(">ID", bound);
        return page;
    }

    /** The filter as checked (the keys and values as given). */
    public ObjectNode json() {
        return filter.deepCopy();
    }

    @Override
    public String toString() {
        return filter.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ActivityFilter f && f.filter.equals(filter);
    }

    @Override
    public int hashCode() {
        return filter.hashCode();
    }

    private static String operatorOf(String key) {
        for (String operator : OPERATORS) {
            if (key.startsWith(operator)) {
                return operator;
            }
        }
        return "";
    }

    private static JsonNode value(String key, String operator, String field, JsonNode value) {
        boolean set = operator.equals("@") || operator.equals("!@");
        if (value.isArray()) {
            if (COMPARISONS.contains(operator)) {
                throw invalid("the filter key " + quote(key) + " compares with one value, got an array");
            }
            if (value.isEmpty() || value.size() > MAX_VALUES) {
                throw invalid("the filter key " + quote(key) + " needs 1 to " + MAX_VALUES + " values, got " + value.size());
            }
            ArrayNode values = MAPPER.createArrayNode();
            value.forEach(v -> values.add(scalar(key, field, v)));
            return values;
        }
        if (set) {
            throw invalid("the filter key " + quote(key) + " takes an array of values");
        }
        return scalar(key, field, value);
    }

    private static JsonNode scalar(String key, String field, JsonNode value) {
        if (TEXT_FIELDS.contains(field)) {
            String text = value.isTextual() ? value.textValue() : null;
            boolean fits = text != null && (field.equals("COMPLETED") ? text.equals("Y") || text.equals("N")
                    : PROVIDER.matcher(text).matches());
            if (!fits) {
                throw invalid("the filter key " + quote(key) + " takes " + (field.equals("COMPLETED") ? "\"Y\" or \"N\""
                        : "a provider id (letters, digits, _ . -)") + ", got " + quote(value.toString()));
            }
            return value;
        }
        boolean fits = value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0
                       || value.isTextual() && DIGITS.matcher(value.textValue()).matches();
        if (!fits) {
            throw invalid("the filter key " + quote(key) + " takes a whole number, 0 or more (a JSON number or a "
                          + "string of digits), got " + quote(value.toString()));
        }
        return MAPPER.getNodeFactory().numberNode(value.isTextual() ? Long.parseLong(value.textValue()) : value.longValue());
    }

    private static String quote(String text) {
        String shown = text.length() > QUOTE_LIMIT ? text.substring(0, QUOTE_LIMIT) + "..." : text;
        return "'" + shown + "'";
    }

    private static Bitrix24Exception invalid(String description) {
        return new Bitrix24Exception(Bitrix24ErrorType.INVALID_REQUEST, null, description, 0, false, 0, null);
    }
}
