package dev.camelbitrix24.component.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token reading of batch replies gives, for every command key, what a reading of the whole reply as a tree gives
 * (the tree reading below is the one BatchCall used before), on the official fixtures and on the shapes around them.
 */
class BatchReplyTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> KEYS = List.of("d0", "d1", "d2", "d3", "d4", "d5", "get_user", "get_department");

    static Stream<String> replies() throws IOException {
        String deletes = "{\"result\":{\"result\":{\"d0\":true,\"d2\":true,\"d3\":false},"
                + "\"result_error\":{\"d1\":{\"error\":\"\",\"error_description\":\"Activity is not found.\"}},"
                + "\"result_total\":[],\"result_next\":[],\"result_time\":{"
                + "\"d0\":{\"start\":1724916638.07,\"finish\":1724916638.08,\"duration\":0.01,\"processing\":0.001,"
                + "\"date_start\":\"2024-08-29T10:30:38+03:00\",\"operating_reset_at\":1724917238,\"operating\":2.5},"
                + "\"d1\":{\"operating_reset_at\":1724917238.9,\"operating\":\"3\",\"duration\":1},"
                + "\"d2\":[],\"d3\":{}}},"
                + "\"time\":{\"start\":1724916638.07,\"finish\":1724916638.13,\"duration\":0.05}}";
        return Stream.of(
                fixture("batch_success_200.json"),
                fixture("batch_error_halt0_200.json"),
                fixture("batch_error_halt1_200.json"),
                deletes,
                // PHP's empty arrays where objects would be, and errors of every odd shape
                "{\"result\":{\"result\":[],\"result_error\":[],\"result_time\":[]}}",
                "{\"result\":{\"result_error\":{\"d0\":{\"error\":null,\"error_description\":null},\"d1\":{\"error_description\":\"x\"},"
                + "\"d2\":\"ERROR\",\"d3\":{\"error\":{\"a\":1},\"error_description\":[1]}}}}",
                "{\"result\":{\"result\":{\"d0\":true,\"d0\":false,\"d1\":false,\"d1\":true,\"d2\":{\"ID\":1},\"d3\":\"true\"}}}",
                "{\"result\":{\"result_error\":{\"d0\":{\"error\":\"A\"},\"d0\":{\"x\":1},\"d1\":{\"x\":1},\"d1\":{\"error\":5}}}}",
                "{\"result\":{\"result\":{\"d0\":true}},\"result\":{\"result\":{\"d1\":true}}}",
                "{\"result\":{\"result\":{\"d0\":true},\"result\":[]}}",
                "{\"result\":{\"result_time\":{\"d0\":{\"operating\":1,\"operating\":null},\"d1\":{\"operating_reset_at\":1.9}}}}",
                "{\"result\":{\"result\":{\"d0\":true}}} trailing",
                // not a batch that answered its commands: null from both readings
                "{\"error\":\"QUERY_LIMIT_EXCEEDED\",\"error_description\":\"Too many requests\"}",
                "{\"result\":{\"result\":{\"d0\":true}},\"error\":null}",
                "{\"result\":true}", "{\"result\":[]}", "{\"result\":null}", "[]", "true", "", "not json",
                "{\"result\":{\"result\":{\"d0\":true}", "{\"result\":{\"result\":{\"d0\":tr");
    }

    @ParameterizedTest
    @MethodSource("replies")
    void readsWhatTheTreeReads(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        BatchReply reply = BatchReply.read(MAPPER, bytes);
        JsonNode result = treeResult(bytes);
        if (result == null) {
            assertThat(reply).as(body).isNull();
            return;
        }
        assertThat(reply).as(body).isNotNull();
        for (String key : keys(result)) {
            assertThat(reply.succeeded(key)).as(body + " / " + key).isEqualTo(treeSucceeded(result, key));
            assertThat(reply.error(key)).as(body + " / " + key).isEqualTo(treeError(result, key));
            assertThat(reply.time(key)).as(body + " / " + key).isEqualTo(treeTime(result, key));
        }
    }

    @Test
    void readsEachCommandOfADeleteBatch() throws IOException {
        String body = replies().filter(r -> r.contains("Activity is not found.")).findFirst().orElseThrow();
        BatchReply reply = BatchReply.read(MAPPER, body.getBytes(StandardCharsets.UTF_8));
        assertThat(reply.succeeded("d0")).isTrue();
        assertThat(reply.succeeded("d3")).isFalse();
        assertThat(reply.error("d1")).isEqualTo(new BatchReply.CommandError("", "Activity is not found."));
        assertThat(reply.time("d0")).isEqualTo(new TimeFigures(2.5, 1724917238L, 0.01));
        assertThat(reply.time("d1")).isEqualTo(new TimeFigures(null, 1724917238L, 1.0));
        assertThat(reply.time("d2")).isNull();
        assertThat(reply.time("d3")).isEqualTo(new TimeFigures(null, null, null));
        assertThat(reply.time("d4")).isNull();
    }

    /** Every key the reply mentions, and a few it does not. */
    private static Set<String> keys(JsonNode result) {
        Set<String> keys = new LinkedHashSet<>(KEYS);
        for (String part : List.of("result", "result_error", "result_time")) {
            JsonNode node = result.get(part);
            if (node != null && node.isObject()) {
                node.fieldNames().forEachRemaining(keys::add);
            }
        }
        return keys;
    }

    // ---- the tree reading BatchCall used before ----

    private static JsonNode treeResult(byte[] body) {
        JsonNode json;
        try {
            json = body.length == 0 ? null : MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
        if (json == null || !json.isObject()) {
            return null;
        }
        JsonNode result = json.get("result");
        return !json.has("error") && result != null && result.isObject() ? result : null;
    }

    private static boolean treeSucceeded(JsonNode result, String key) {
        JsonNode results = result.get("result");
        JsonNode value = results != null && results.isObject() ? results.get(key) : null;
        return value != null && value.isBoolean() && value.booleanValue();
    }

    private static BatchReply.CommandError treeError(JsonNode result, String key) {
        JsonNode errors = result.get("result_error");
        JsonNode error = errors != null && errors.isObject() ? errors.get(key) : null;
        if (error == null || !error.isObject() || !error.has("error")) {
            return null;
        }
        String code = error.get("error").isNull() ? "" : error.get("error").asText();
        JsonNode d = error.get("error_description");
        return new BatchReply.CommandError(code, d == null || d.isNull() ? "" : d.asText());
    }

    private static TimeFigures treeTime(JsonNode result, String key) {
        JsonNode times = result.get("result_time");
        JsonNode time = times != null && times.isObject() ? times.get(key) : null;
        if (time == null || !time.isObject()) {
            return null;
        }
        ObjectNode wrapper = MAPPER.createObjectNode();
        wrapper.set("time", time);
        return TimeFigures.of(wrapper);
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = BatchReplyTest.class.getResourceAsStream("/bitrix24-fixtures/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
