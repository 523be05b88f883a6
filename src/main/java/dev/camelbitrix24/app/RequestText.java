package dev.camelbitrix24.app;

/**
 * Text that came from a request (its requestId, a piece of its value), made safe for one line of a log or a
 * description: escaped like a Java string literal, so that a line break, a terminal escape or a quote inside it can
 * never start a forged log line or end the quoted value early.
 */
final class RequestText {

    private RequestText() {
    }

    /** The text with backslashes, quotes, control characters and Unicode line separators escaped ({@code \n}, {@code \u001b}). */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }

    /** At most {@code limit} characters of the text (then {@code ...}), escaped. */
    static String shorten(String text, int limit) {
        if (text == null) {
            return "";
        }
        return escape(text.length() <= limit ? text : text.substring(0, limit)) + (text.length() <= limit ? "" : "...");
    }

    /** For a log line: the text escaped in double quotes, or {@code -} when there is none. */
    static String quoted(String text) {
        return text == null ? "-" : '"' + escape(text) + '"';
    }
}
