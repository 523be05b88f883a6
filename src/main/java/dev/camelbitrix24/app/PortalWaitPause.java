package dev.camelbitrix24.app;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

import dev.camelbitrix24.component.Bitrix24PortalWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the pipeline takes requests: not while the portal waits (its operating-time window is spent, its request
 * bucket is full, or it answers nothing), from the moment a request is held for it until the wait ends. A later or
 * longer wait extends the pause. The request consumers act on it themselves, each on its own thread
 * ({@link PortalWaitListener}); this keeps the wait, and the time paused per reason.
 */
public class PortalWaitPause {

    private static final Logger LOG = LoggerFactory.getLogger(PortalWaitPause.class);

    private final LongSupplier clock;
    // guarded by this
    private Bitrix24PortalWait current;
    private long pausedSinceNanos;
    private int pauses;
    private final Map<Bitrix24PortalWait.Reason, Long> pausedNanos = new EnumMap<>(Bitrix24PortalWait.Reason.class);

    public PortalWaitPause() {
        this(System::currentTimeMillis);
    }

    PortalWaitPause(LongSupplier clock) {
        this.clock = clock;
    }

    /** Stops taking requests until {@code wait.until()}, or that much longer if a pause is on already. */
    public synchronized void pauseUntil(Bitrix24PortalWait wait) {
        Bitrix24PortalWait now = current();
        if (now != null && !wait.until().isAfter(now.until())) {
            return;
        }
        boolean starting = now == null;
        if (starting) {
            pausedSinceNanos = System.nanoTime();
            pauses++;
        } else {
            addPausedTime(now.reason());
        }
        current = wait;
        long delay = Math.max(0, wait.until().toEpochMilli() - clock.getAsLong());
        LOG.warn("{} taking requests: {}; resuming at {} ({} s)", starting ? "Paused" : "Still paused,",
                wait.description(), clock(wait.until()), Math.round(delay / 1000.0));
    }

    /** The wait the pipeline is paused for, or null while it takes requests (a wait that has ended ends here). */
    public synchronized Bitrix24PortalWait current() {
        if (current != null && current.until().toEpochMilli() <= clock.getAsLong()) {
            Bitrix24PortalWait ended = current;
            addPausedTime(ended.reason());
            current = null;
            LOG.info("Taking requests again ({} ended)", ended.reason());
        }
        return current;
    }

    private void addPausedTime(Bitrix24PortalWait.Reason reason) {
        long now = System.nanoTime();
        pausedNanos.merge(reason, now - pausedSinceNanos, Long::sum);
        pausedSinceNanos = now;
    }

    /** Seconds paused so far per reason, the pause in progress included. */
    public synchronized double pausedSeconds(Bitrix24PortalWait.Reason reason) {
        Bitrix24PortalWait now = current();
        long nanos = pausedNanos.getOrDefault(reason, 0L);
        if (now != null && now.reason() == reason) {
            nanos += System.nanoTime() - pausedSinceNanos;
        }
        return nanos / 1e9;
    }

    /** How many times the pipeline paused. */
    public synchronized int pauses() {
        return pauses;
    }

    /** A line for logs and health details: what the pipeline waits for, since and until when. */
    public static String describe(Bitrix24PortalWait wait) {
        return switch (wait.reason()) {
            case OPERATING_TIME_LIMIT -> "operating-time window of crm.activity.delete resets at " + clock(wait.until());
            case REQUEST_RATE_LIMIT -> "the portal's request bucket (full) until " + clock(wait.until());
            case PORTAL_UNREACHABLE -> "portal unreachable since " + clock(wait.since()) + ", next try at "
                                       + clock(wait.until());
        };
    }

    private static LocalTime clock(Instant instant) {
        return LocalTime.ofInstant(instant, ZoneId.systemDefault()).truncatedTo(ChronoUnit.SECONDS);
    }
}
