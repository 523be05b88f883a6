package dev.camelbitrix24.simulator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code batch} (PROTOCOL.md §5): runs up to 50 commands given as {@code "method?query"} strings, each parsed like
 * a PHP query string (last duplicate wins, {@code #} ends the command), with {@code $result[key][field]}-style
 * references to earlier commands substituted. Always answers 200; errors go to {@code result_error} under the
 * command's key, and empty collections come out as {@code []}.
 */
final class BatchRunner {

    static final String NAME = "batch";
    static final int MAX_COMMANDS = 50;

    private static final Pattern REFERENCE = Pattern.compile("\\$(result|next|total|time|error)((?:\\[[^\\]]*\\])+)");
    private static final Pattern SEGMENT = Pattern.compile("\\[([^\\]]*)\\]");

    private final Portal portal;
    private final MethodInvoker invoker;

    BatchRunner(Portal portal, MethodInvoker invoker) {
        this.portal = portal;
        this.invoker = invoker;
    }

    /** The {@code result} of a batch, and how long its reply is to be held back: the sum over its commands. */
    record Outcome(Map<String, Object> result, long holdNanos) {
    }

    /** Runs the commands; the result holds result, result_error, result_total, result_next, result_time. */
    Outcome run(Caller caller, Map<String, Object> params) {
        Map<String, Object> results = new LinkedHashMap<>();
        Map<String, Object> errors = new LinkedHashMap<>();
        Map<String, Object> totals = new LinkedHashMap<>();
        Map<String, Object> nexts = new LinkedHashMap<>();
        Map<String, Object> times = new LinkedHashMap<>();
        Map<String, Map<String, Object>> sources = Map.of("result", results, "error", errors, "total", totals,
                "next", nexts, "time", times);
        boolean halt = PhpValues.truthy(params.get("halt"));
        Object cmd = params.get("cmd");
        long holdNanos = 0;
        if (cmd instanceof Map) {
            int index = 0;
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) cmd).entrySet()) {
                String key = String.valueOf(entry.getKey());
                index++;
                CallOutcome outcome = index > MAX_COMMANDS
                        ? CallOutcome.refused(
                                new RestError(400, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded"))
                        : runCommand(caller, entry.getValue(), sources);
                holdNanos += outcome.holdNanos();
                if (outcome.failed()) {
                    errors.put(key, outcome.error().body());
                    if (halt) {
                        break;
                    }
                    continue;
                }
                Object result = outcome.result();
                if (result instanceof RestMethod.ListResult) {
                    RestMethod.ListResult list = (RestMethod.ListResult) result;
                    result = list.items();
                    if (list.total() != null) {
                        totals.put(key, list.total());
                    }
                    if (list.next() != null) {
                        nexts.put(key, list.next());
                    }
                }
                results.put(key, result);
                times.put(key, outcome.time());
            }
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("result", PhpValues.asJsonArray(results));
        reply.put("result_error", PhpValues.asJsonArray(errors));
        reply.put("result_total", PhpValues.asJsonArray(totals));
        reply.put("result_next", PhpValues.asJsonArray(nexts));
        reply.put("result_time", PhpValues.asJsonArray(times));
        return new Outcome(reply, holdNanos);
    }

    private CallOutcome runCommand(Caller caller, Object command, Map<String, Map<String, Object>> sources) {
        String text = command instanceof String ? (String) command : "";
        int hash = text.indexOf('#');
        if (hash >= 0) {
            // like parse_url(): everything after '#' is a fragment the server never sees
            text = text.substring(0, hash);
        }
        int question = text.indexOf('?');
        String methodName = RestPath.method(question < 0 ? text : text.substring(0, question));
        String query = question < 0 ? "" : text.substring(question + 1);
        if (NAME.equals(methodName)) {
            portal.calls.increment(NAME);
            return CallOutcome.refused(
                    new RestError(405, "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage"));
        }
        RestMethod method = portal.methods.get(methodName);
        if (method == null) {
            return CallOutcome.refused(RestError.methodNotFound());
        }
        portal.calls.increment(methodName);
        Map<String, Object> params = PhpQueryString.parse(query);
        substitute(params, sources);
        return invoker.invoke(method, caller, params, true);
    }

    /** Replaces {@code $result[cmd][FIELD]} and friends in every value with what earlier commands gave. */
    @SuppressWarnings("unchecked")
    private static void substitute(Map<String, Object> params, Map<String, Map<String, Object>> sources) {
        for (Map.Entry<String, Object> e : params.entrySet()) {
            Object value = e.getValue();
            if (value instanceof Map) {
                substitute((Map<String, Object>) value, sources);
            } else if (value instanceof String && ((String) value).indexOf('$') >= 0) {
                e.setValue(substituteValue((String) value, sources));
            }
        }
    }

    private static Object substituteValue(String value, Map<String, Map<String, Object>> sources) {
        Matcher whole = REFERENCE.matcher(value);
        if (whole.matches()) {
            Object found = lookup(sources.get(whole.group(1)), whole.group(2));
            return found == null ? value : found;
        }
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object found = lookup(sources.get(m.group(1)), m.group(2));
            String replacement = found == null || found instanceof Map || found instanceof java.util.List
                    ? m.group() : phpString(found);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** PHP's string conversion of a scalar: true is "1", false is "". */
    private static String phpString(Object value) {
        if (value instanceof Boolean) {
            return (Boolean) value ? "1" : "";
        }
        return String.valueOf(value);
    }

    private static Object lookup(Object source, String path) {
        Object current = source;
        Matcher segment = SEGMENT.matcher(path);
        while (segment.find()) {
            String key = segment.group(1);
            if (current instanceof Map) {
                current = ((Map<?, ?>) current).get(key);
            } else if (current instanceof java.util.List) {
                Long index = PhpValues.integerKey(key);
                java.util.List<?> list = (java.util.List<?>) current;
                current = index == null || index < 0 || index >= list.size() ? null : list.get(index.intValue());
            } else {
                return null;
            }
        }
        return current;
    }
}
