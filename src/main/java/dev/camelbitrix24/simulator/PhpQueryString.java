package dev.camelbitrix24.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses query strings the way PHP's {@code parse_str} does, because the real portal (and its {@code batch}
 * command strings) are parsed that way: the last duplicate wins, {@code a[b][c]=v} and {@code a[]=v} build nested
 * arrays, {@code .} and spaces in a top-level name become {@code _}. Values are Strings or nested
 * {@code LinkedHashMap<String, Object>}s.
 */
final class PhpQueryString {

    private PhpQueryString() {
    }

    /** Parses {@code a=1&b[c]=2}; a {@code null} or empty text gives an empty map. */
    static Map<String, Object> parse(String query) {
        Map<String, Object> target = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return target;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            put(target, name, value);
        }
        return target;
    }

    /** Adds already-decoded name/value pairs (e.g. multipart form fields) with the same naming rules. */
    static Map<String, Object> parsePairs(List<Map.Entry<String, String>> pairs) {
        Map<String, Object> target = new LinkedHashMap<>();
        for (Map.Entry<String, String> pair : pairs) {
            put(target, pair.getKey(), pair.getValue());
        }
        return target;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformedPercentEscape) {
            // PHP leaves a malformed %-escape as it is instead of failing
            return text.replace('+', ' ');
        }
    }

    @SuppressWarnings("unchecked")
    static void put(Map<String, Object> target, String rawName, String value) {
        String name = stripLeading(rawName);
        int open = name.indexOf('[');
        int close = open < 0 ? -1 : name.indexOf(']', open);
        if (open < 0 || close < 0) {
            // no (complete) brackets: a plain key; PHP turns '.', ' ' and a lone '[' of the base name into '_'
            String key = name.replace('.', '_').replace(' ', '_').replace('[', '_');
            if (!key.isEmpty()) {
                target.put(key, value);
            }
            return;
        }
        String base = name.substring(0, open).replace('.', '_').replace(' ', '_');
        if (base.isEmpty()) {
            return;
        }
        Map<String, Object> current = target;
        String key = base;
        int pos = open;
        while (pos < name.length() && name.charAt(pos) == '[') {
            int end = name.indexOf(']', pos);
            if (end < 0) {
                break;
            }
            Object existing = current.get(key);
            Map<String, Object> child;
            if (existing instanceof Map) {
                child = (Map<String, Object>) existing;
            } else {
                child = new LinkedHashMap<>();
                current.put(key, child);
            }
            current = child;
            String inner = name.substring(pos + 1, end);
            key = inner.isEmpty() ? String.valueOf(nextIndex(current)) : inner;
            pos = end + 1;
        }
        current.put(key, value);
    }

    private static String stripLeading(String name) {
        int i = 0;
        while (i < name.length() && name.charAt(i) == ' ') {
            i++;
        }
        return name.substring(i);
    }

    /** PHP's next free integer key of an array: one more than the largest integer key, or 0. */
    static long nextIndex(Map<String, Object> array) {
        long next = 0;
        for (String k : array.keySet()) {
            Long n = PhpValues.integerKey(k);
            if (n != null && n >= next) {
                next = n + 1;
            }
        }
        return next;
    }
}
