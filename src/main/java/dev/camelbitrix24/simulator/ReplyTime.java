package dev.camelbitrix24.simulator;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code time} object of every reply (PROTOCOL.md §2), keys in the order of the real server. */
final class ReplyTime {

    // "+00:00", never "Z": the real server writes PHP's DATE_ATOM
    private static final DateTimeFormatter ATOM =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx").withZone(ZoneOffset.UTC);

    /** The last formatted second: every reply formats two dates, nearly always of the current second. */
    private record FormattedSecond(long epochSecond, String text) {
    }

    private static volatile FormattedSecond lastFormatted = new FormattedSecond(Long.MIN_VALUE, "");

    private ReplyTime() {
    }

    static String isoDate(Instant instant) {
        FormattedSecond cached = lastFormatted;
        if (cached.epochSecond() == instant.getEpochSecond()) {
            return cached.text();
        }
        String text = ATOM.format(instant);
        lastFormatted = new FormattedSecond(instant.getEpochSecond(), text);
        return text;
    }

    /**
     * @param startMillis wall-clock start of the call
     * @param durationSeconds real plus simulated time of the call
     * @param processingSeconds the part spent executing the method
     */
    static Map<String, Object> of(long startMillis, double durationSeconds, double processingSeconds,
            OperatingTimeLedger.Status operating) {
        double start = startMillis / 1000.0;
        double finish = start + durationSeconds;
        Map<String, Object> time = new LinkedHashMap<>();
        // plain decimals like PHP's microtime(true), never 1.7E9
        time.put("start", BigDecimal.valueOf(start).setScale(6, RoundingMode.HALF_UP));
        time.put("finish", BigDecimal.valueOf(finish).setScale(6, RoundingMode.HALF_UP));
        time.put("duration", BigDecimal.valueOf(durationSeconds));
        time.put("processing", BigDecimal.valueOf(processingSeconds));
        time.put("date_start", isoDate(Instant.ofEpochMilli(startMillis)));
        time.put("date_finish", isoDate(Instant.ofEpochMilli((long) (finish * 1000))));
        time.put("operating_reset_at", operating.resetAt());
        time.put("operating", BigDecimal.valueOf(operating.operating()));
        return time;
    }
}
