package dev.camelbitrix24.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a slow portal takes to answer: every {@code /rest/} reply is held back, after the call has run, by a
 * latency drawn uniformly from [min, max] with the seeded random; zero means no latency.
 */
public record ReplyLatency(Duration min, Duration max) {

    /** Replies go out as soon as they are ready. */
    public static final ReplyLatency NONE = new ReplyLatency(Duration.ZERO, Duration.ZERO);

    public ReplyLatency {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.isNegative() || max.isNegative()) {
            throw new IllegalArgumentException("the reply latency may not be negative");
        }
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("the longest reply latency (" + max.toMillis()
                    + " ms) is shorter than the shortest (" + min.toMillis() + " ms)");
        }
    }

    /** Reads milliseconds as in BITRIX24_SIMULATOR_REPLY_LATENCY_MS: {@code 600} (fixed) or {@code 550-650}. */
    public static ReplyLatency parse(String text) {
        String[] parts = text.trim().split("-", -1);
        try {
            if (parts.length == 1) {
                Duration fixed = Duration.ofMillis(Long.parseLong(parts[0].trim()));
                return new ReplyLatency(fixed, fixed);
            }
            if (parts.length == 2) {
                return new ReplyLatency(Duration.ofMillis(Long.parseLong(parts[0].trim())),
                        Duration.ofMillis(Long.parseLong(parts[1].trim())));
            }
        } catch (NumberFormatException e) {
            // reported below with the whole text
        }
        throw new IllegalArgumentException("a reply latency is MILLIS or MIN-MAX milliseconds, e.g. 600 or 550-650: '"
                + text + "'");
    }
}
