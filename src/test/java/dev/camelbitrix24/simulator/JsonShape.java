package dev.camelbitrix24.simulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares the SHAPE of two JSON documents: the same keys, the same JSON types, {@code []} where the fixture has
 * {@code []}. Values are free. Objects named {@code time} (and the entries of {@code result_time}) may carry more
 * keys than the fixture, because some fixtures predate {@code operating}/{@code operating_reset_at}.
 */
final class JsonShape {

    private JsonShape() {
    }

    static void assertSameShape(JsonNode fixture, JsonNode actual) {
        List<String> problems = new ArrayList<>();
        compare("$", fixture, actual, false, problems);
        assertThat(problems).as("shape differences from the fixture").isEmpty();
    }

    private static void compare(String path, JsonNode expected, JsonNode actual, boolean extraKeysAllowed,
            List<String> problems) {
        if (actual == null) {
            problems.add(path + " missing");
            return;
        }
        if (kind(expected) != kind(actual)) {
            problems.add(path + " is " + kind(actual) + " but the fixture has " + kind(expected));
            return;
        }
        if (expected.isObject()) {
            Set<String> expectedKeys = keys(expected);
            Set<String> actualKeys = keys(actual);
            if (!actualKeys.containsAll(expectedKeys)) {
                Set<String> missing = new TreeSet<>(expectedKeys);
                missing.removeAll(actualKeys);
                problems.add(path + " lacks keys " + missing);
            }
            if (!extraKeysAllowed && !expectedKeys.containsAll(actualKeys)) {
                Set<String> extra = new TreeSet<>(actualKeys);
                extra.removeAll(expectedKeys);
                problems.add(path + " has keys the fixture lacks " + extra);
            }
            for (String key : expectedKeys) {
                boolean timeLike = key.equals("time") || path.endsWith(".result_time");
                compare(path + "." + key, expected.get(key), actual.get(key), timeLike, problems);
            }
        } else if (expected.isArray()) {
            if (expected.isEmpty() != actual.isEmpty()) {
                problems.add(path + (expected.isEmpty() ? " must be []" : " must not be empty"));
            } else if (!expected.isEmpty()) {
                compare(path + "[0]", expected.get(0), actual.get(0), false, problems);
            }
        }
    }

    static String kind(JsonNode node) {
        if (node.isObject()) {
            return "object";
        }
        if (node.isArray()) {
            return "array";
        }
        if (node.isNumber()) {
            return "number";
        }
        if (node.isTextual()) {
            return "string";
        }
        if (node.isBoolean()) {
            return "boolean";
        }
        return "null";
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> keys = new TreeSet<>();
        Iterator<String> names = node.fieldNames();
        names.forEachRemaining(keys::add);
        return keys;
    }
}
