package dev.camelbitrix24.component.client;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bitrix24's operating-time limit, seen from the client (PROTOCOL §4.2): remembers, per method, the latest
 * {@code time.operating} and {@code operating_reset_at} (from plain replies and from each command's
 * {@code result_time} in a batch) and pauses the method once it is within {@code reserve} of the limit, until the
 * oldest window bucket has expired, instead of collecting 429 OPERATION_TIME_LIMIT.
 */
public final class OperatingTimeGuard {

    /** The description of a call given up because its method stays paused past the call's retry budget. */
    public static final String PAUSED = "Not sent: the method's operating time is near the portal's limit until after "
                                        + "the retry budget";

    private final double limitSeconds;
    private final double reserveSeconds;
    private final Map<String, Figures> byMethod = new ConcurrentHashMap<>();

    private record Figures(double operating, long resetAtEpochSeconds) {
    }

    /**
     * @param limitMillis   the portal's limit per method and window (480 s on the cloud)
     * @param reserveMillis how close to the limit the method is paused (the JS SDK keeps 5 s)
     */
    public OperatingTimeGuard(long limitMillis, long reserveMillis) {
        this.limitSeconds = limitMillis / 1000.0;
        this.reserveSeconds = reserveMillis / 1000.0;
    }

    /** Records the figures of one reply or one batch command of {@code method}; a reply without them changes nothing. */
    public void record(String method, TimeFigures time) {
        if (time == null || time.operating() == null || time.operatingResetAt() == null) {
            return;
        }
        // replies may come back out of order: a later reset time is a later window, so it wins
        byMethod.merge(key(method), new Figures(time.operating(), time.operatingResetAt()),
                (old, now) -> now.resetAtEpochSeconds >= old.resetAtEpochSeconds ? now : old);
    }

    /**
     * How many milliseconds {@code method} must wait before its next call, 0 when it may go now. Once the reset time
     * has passed the pause ends: the next reply brings fresh figures.
     */
    public long pauseMillis(String method, long nowEpochMillis) {
        Figures f = byMethod.get(key(method));
        if (f == null || f.operating < limitSeconds - reserveSeconds) {
            return 0;
        }
        // one second past the reset, as the JS SDK does: operating_reset_at is rounded to the second
        long until = f.resetAtEpochSeconds * 1000 + 1000;
        if (until <= nowEpochMillis) {
            byMethod.remove(key(method), f);
            return 0;
        }
        return until - nowEpochMillis;
    }

    private static String key(String method) {
        return method.toLowerCase(Locale.ROOT);
    }
}
