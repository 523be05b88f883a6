package dev.camelbitrix24.simulator;

import java.util.Locale;

/**
 * The REST URL forms: {@code /rest/{userId}/{code}/{method}[.json][/]} (incoming webhook) and
 * {@code /rest/{method}[.json][/]} (OAuth). Method names are case-insensitive.
 */
record RestPath(String userId, String code, String method) {

    static final String PREFIX = "/rest/";

    /** The parsed path, or null when it names no method. */
    static RestPath parse(String path) {
        if (!path.startsWith(PREFIX)) {
            return null;
        }
        String rest = path.substring(PREFIX.length());
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        String[] parts = rest.split("/", -1);
        if (parts.length == 1) {
            String method = method(parts[0]);
            return method.isEmpty() ? null : new RestPath(null, null, method);
        }
        if (parts.length == 3) {
            String method = method(parts[2]);
            return method.isEmpty() ? null : new RestPath(parts[0], parts[1], method);
        }
        return null;
    }

    /** Lower case, without the optional {@code .json} suffix. */
    static String method(String raw) {
        String m = raw.trim().toLowerCase(Locale.ROOT);
        return m.endsWith(".json") ? m.substring(0, m.length() - ".json".length()) : m;
    }

    boolean webhook() {
        return code != null;
    }
}
