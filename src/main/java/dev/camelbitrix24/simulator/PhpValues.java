package dev.camelbitrix24.simulator;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** PHP's value casts, which decide what the real server makes of an id such as {@code "12abc"} or {@code true}. */
final class PhpValues {

    private PhpValues() {
    }

    /** PHP {@code intval()}: {@code "12abc"} is 12, {@code "abc"} is 0, {@code "1e3"} is 1000, {@code 7.9} is 7. */
    static long intval(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof Boolean) {
            return ((Boolean) value) ? 1 : 0;
        }
        if (value instanceof Number) {
            return truncate(((Number) value).doubleValue(), value);
        }
        if (value instanceof Map) {
            return ((Map<?, ?>) value).isEmpty() ? 0 : 1;
        }
        if (value instanceof Collection) {
            return ((Collection<?>) value).isEmpty() ? 0 : 1;
        }
        return intvalOfString(value.toString());
    }

    private static long truncate(double d, Object original) {
        if (original instanceof Long || original instanceof Integer || original instanceof Short) {
            return ((Number) original).longValue();
        }
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return 0;
        }
        return (long) d;
    }

    private static long intvalOfString(String text) {
        int i = 0;
        int n = text.length();
        while (i < n && " \t\n\r\u000B\f".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        int start = i;
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            i++;
        }
        int digitsStart = i;
        while (i < n && Character.isDigit(text.charAt(i))) {
            i++;
        }
        if (i == digitsStart) {
            return 0;
        }
        // a numeric string with a fraction or exponent is cast through float (PHP 7.1+)
        String numeric = numericPrefix(text, start);
        if (numeric != null && (numeric.indexOf('.') >= 0 || numeric.indexOf('e') >= 0 || numeric.indexOf('E') >= 0)) {
            try {
                return new BigDecimal(numeric).longValue();
            } catch (NumberFormatException | ArithmeticException e) {
                return 0;
            }
        }
        try {
            return Long.parseLong(text.substring(start, i));
        } catch (NumberFormatException overflow) {
            return text.charAt(start) == '-' ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private static String numericPrefix(String text, int start) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("[+-]?\\d+(\\.\\d*)?([eE][+-]?\\d+)?").matcher(text);
        return m.find(start) && m.start() == start ? m.group() : null;
    }

    /** PHP truthiness of a request value: {@code "0"}, {@code ""}, {@code false}, {@code 0} and empty arrays are false. */
    static boolean truthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        if (value instanceof Number) {
            return ((Number) value).doubleValue() != 0;
        }
        if (value instanceof Map) {
            return !((Map<?, ?>) value).isEmpty();
        }
        if (value instanceof Collection) {
            return !((Collection<?>) value).isEmpty();
        }
        String s = value.toString();
        return !s.isEmpty() && !s.equals("0");
    }

    /** The key as a PHP integer array key ("5" but not "05" or "5a"), else null. */
    static Long integerKey(String key) {
        if (key.isEmpty() || key.length() > 18) {
            return null;
        }
        int i = key.charAt(0) == '-' ? 1 : 0;
        if (i == key.length() || (key.charAt(i) == '0' && key.length() > i + 1)) {
            return null;
        }
        for (int j = i; j < key.length(); j++) {
            if (!Character.isDigit(key.charAt(j))) {
                return null;
            }
        }
        return Long.parseLong(key);
    }

    /**
     * How PHP's json_encode writes an array: a list when its keys are exactly 0..n-1 in order (so an empty array is
     * {@code []}), an object otherwise. Applied recursively.
     */
    static Object asJsonArray(Object value) {
        if (value instanceof Map) {
            Map<?, ?> map = (Map<?, ?>) value;
            long expected = 0;
            boolean sequential = true;
            for (Object key : map.keySet()) {
                if (!String.valueOf(expected).equals(String.valueOf(key))) {
                    sequential = false;
                    break;
                }
                expected++;
            }
            if (sequential) {
                List<Object> list = new ArrayList<>(map.size());
                for (Object v : map.values()) {
                    list.add(asJsonArray(v));
                }
                return list;
            }
            java.util.LinkedHashMap<Object, Object> copy = new java.util.LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                copy.put(e.getKey(), asJsonArray(e.getValue()));
            }
            return copy;
        }
        return value;
    }
}
