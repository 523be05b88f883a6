package dev.camelbitrix24.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON in and out, with PHP's view of arrays: a JSON list in a request becomes a map keyed "0", "1", ... */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private Json() {
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** A request body as parameters; anything that does not parse to a JSON object counts as empty, as on the real server. */
    static Map<String, Object> readParams(byte[] body) {
        if (body == null || body.length == 0) {
            return new LinkedHashMap<>();
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            Object value = node == null ? null : toPhp(node);
            if (value instanceof Map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) value;
                return map;
            }
        } catch (IOException unparseable) {
            // json_decode() failure: the server silently carries on with no parameters
        }
        return new LinkedHashMap<>();
    }

    /** Reads a JSON object for the control API; null when it is not one. */
    static JsonNode readTree(byte[] body) {
        if (body == null || body.length == 0) {
            return MAPPER.createObjectNode();
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Object toPhp(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                map.put(e.getKey(), toPhp(e.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            Map<String, Object> map = new LinkedHashMap<>();
            int i = 0;
            for (JsonNode item : node) {
                map.put(String.valueOf(i++), toPhp(item));
            }
            return map;
        }
        if (node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : node.doubleValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return node.asText();
    }
}
