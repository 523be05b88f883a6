package dev.camelbitrix24.component.client;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What {@link BatchCall} reads from a batch reply that answered every command (Bitrix24 REST docs: "batch"):
 * {@code {"result": {"result": {...}, "result_error": {...}, "result_time": {...}, ...}, "time": {...}}}, per command
 * key: whether it answered {@code true}, its error, its {@code time} figures.
 * <p>
 * Read as a stream of tokens: a reply of 50 commands carries some 400 numbers in {@code result_time}, and only three per
 * command matter here; a tree would convert every one of them. Where a field repeats, the last one counts, as in a
 * tree. A PHP empty array ({@code []}) in place of an object is an empty object.
 */
final class BatchReply {

    /** The code and description of one command's {@code result_error} entry; blank when they were null. */
    record CommandError(String code, String description) {
    }

    private Map<String, Boolean> results = new HashMap<>();
    private Map<String, CommandError> errors = new HashMap<>();
    private Map<String, TimeFigures> times = new HashMap<>();

    private BatchReply() {
    }

    /** True when the command answered {@code true}. */
    boolean succeeded(String key) {
        return Boolean.TRUE.equals(results.get(key));
    }

    /** The command's error (an object with an {@code error} field), or null. */
    CommandError error(String key) {
        return errors.get(key);
    }

    /** The command's {@code result_time} figures, or null. */
    TimeFigures time(String key) {
        return times.get(key);
    }

    /**
     * The batch result of a reply body, or null when the body is not a JSON object whose {@code result} is an object,
     * or has an {@code error} field, or is cut short: those are not a batch that answered its commands.
     */
    static BatchReply read(ObjectMapper mapper, byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        BatchReply reply = null;
        try (JsonParser json = mapper.createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            boolean error = false;
            boolean resultIsObject = false;
            for (JsonToken token = json.nextToken(); token == JsonToken.FIELD_NAME; token = json.nextToken()) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if ("error".equals(field)) {
                    error = true;
                    json.skipChildren();
                } else if ("result".equals(field)) {
                    resultIsObject = value == JsonToken.START_OBJECT;
                    if (resultIsObject) {
                        reply = new BatchReply();
                        reply.readResult(json);
                    } else {
                        json.skipChildren();
                    }
                } else {
                    json.skipChildren();
                }
            }
            // what follows the object is not looked at, as ObjectMapper.readTree does not
            return error || !resultIsObject || json.currentToken() != JsonToken.END_OBJECT ? null : reply;
        } catch (IOException e) {
            // not JSON, or cut short: the classifier describes it
            return null;
        }
    }

    /** The inside of {@code result}; the parser is on its START_OBJECT, and is left on its END_OBJECT. */
    private void readResult(JsonParser json) throws IOException {
        for (JsonToken token = json.nextToken(); token == JsonToken.FIELD_NAME; token = json.nextToken()) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            boolean object = value == JsonToken.START_OBJECT;
            switch (field) {
                case "result" -> results = object ? readResults(json) : skipped(json);
                case "result_error" -> errors = object ? readErrors(json) : skipped(json);
                case "result_time" -> times = object ? readTimes(json) : skipped(json);
                default -> json.skipChildren();
            }
        }
    }

    private static <T> Map<String, T> skipped(JsonParser json) throws IOException {
        json.skipChildren();
        return new HashMap<>();
    }

    private static Map<String, Boolean> readResults(JsonParser json) throws IOException {
        Map<String, Boolean> results = new HashMap<>();
        for (JsonToken token = json.nextToken(); token == JsonToken.FIELD_NAME; token = json.nextToken()) {
            String key = json.currentName();
            results.put(key, json.nextToken() == JsonToken.VALUE_TRUE);
            json.skipChildren();
        }
        return results;
    }

    /** Reads what one command's object holds; the parser is on its START_OBJECT and is left on its END_OBJECT. */
    private interface CommandReader<T> {
        /** @return what the object says, or null when it says nothing usable (as if the command were absent) */
        T read(JsonParser json) throws IOException;
    }

    /** An object of command keys whose values are objects; a key whose value is not an object counts as absent. */
    private static <T> Map<String, T> readPerCommand(JsonParser json, CommandReader<T> reader) throws IOException {
        Map<String, T> read = new HashMap<>();
        for (JsonToken token = json.nextToken(); token == JsonToken.FIELD_NAME; token = json.nextToken()) {
            String key = json.currentName();
            T value = null;
            if (json.nextToken() == JsonToken.START_OBJECT) {
                value = reader.read(json);
            } else {
                json.skipChildren();
            }
            // a repeated key counts as its last occurrence, as in a tree
            if (value == null) {
                read.remove(key);
            } else {
                read.put(key, value);
            }
        }
        return read;
    }

    private static Map<String, CommandError> readErrors(JsonParser json) throws IOException {
        return readPerCommand(json, BatchReply::readError);
    }

    /** {@code {"error": ..., "error_description": ...}}; without an {@code error} field it is not an error. */
    private static CommandError readError(JsonParser json) throws IOException {
        String code = null;
        String description = "";
        for (JsonToken token = json.nextToken(); token == JsonToken.FIELD_NAME; token = json.nextToken()) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            if ("error".equals(field)) {
                code = text(json, value);
            } else if ("error_description".equals(field)) {
                description = text(json, value);
            } else {
                json.skipChildren();
            }
        }
        return code == null ? null : new CommandError(code, description);
    }

    /** A value as text the way a tree's {@code asText()} gives it: "" for null, an object or an array. */
    private static String text(JsonParser json, JsonToken value) throws IOException {
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
            json.skipChildren();
            return "";
        }
        return value == JsonToken.VALUE_NULL ? "" : json.getText();
    }

    private static Map<String, TimeFigures> readTimes(JsonParser json) throws IOException {
        return readPerCommand(json, BatchReply::readTime);
    }

    /** A command's {@code time} object: the three figures acted on, each null unless it is a number. */
    private static TimeFigures readTime(JsonParser json) throws IOException {
        Double operating = null;
        Long resetAt = null;
        Double duration = null;
        for (JsonToken token = json.nextToken(); token == JsonToken.FIELD_NAME; token = json.nextToken()) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            boolean number = value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT;
            switch (field) {
                case "operating" -> operating = number ? json.getDoubleValue() : null;
                case "operating_reset_at" -> resetAt = !number ? null
                        : value == JsonToken.VALUE_NUMBER_INT ? json.getLongValue() : (long) json.getDoubleValue();
                case "duration" -> duration = number ? json.getDoubleValue() : null;
                default -> json.skipChildren();
            }
        }
        return new TimeFigures(operating, resetAt, duration);
    }
}
