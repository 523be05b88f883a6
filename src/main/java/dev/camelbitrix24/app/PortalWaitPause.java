package dev.camelbitrix24.app;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.component.Bitrix24PortalWait;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the pipeline taking requests while the portal waits (its operating-time window is spent, its request bucket
 * is full, or it answers nothing), and starts it again when the wait ends. It suspends the Kafka consumer of the
 * request route: camel-kafka then pauses every partition it owns and keeps polling, so the instance stays in its
 * group however long the wait lasts, and on resuming it goes back to each partition's committed offset, where the
 * held requests are. A later or longer wait extends the pause; nothing is held in memory meanwhile.
 */
public class PortalWaitPause implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(PortalWaitPause.class);
    private static final long WATCH_MILLIS = 100;

    private CamelContext camelContext;
    private ScheduledExecutorService scheduler;
    // guarded by this
    private Bitrix24PortalWait current;
    private ScheduledFuture<?> watch;
    private long pausedSinceNanos;
    private int pauses;
    private final Map<Bitrix24PortalWait.Reason, Long> pausedNanos = new EnumMap<>(Bitrix24PortalWait.Reason.class);

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** Pauses the request consumer until {@code wait.until()}, or keeps it paused that much longer. */
    public synchronized void pauseUntil(Bitrix24PortalWait wait) {
        if (current != null && !wait.until().isAfter(current.until())) {
            return;
        }
        boolean starting = current == null;
        if (starting) {
            Consumer consumer = consumer();
            if (consumer == null) {
                return;
            }
            try {
                ServiceHelper.suspendService(consumer);
            } catch (RuntimeException e) {
                LOG.warn("Could not pause the request consumer ({}); requests are held one poll at a time", e.toString());
                return;
            }
            pausedSinceNanos = System.nanoTime();
            pauses++;
        } else {
            addPausedTime(current.reason());
        }
        current = wait;
        if (watch == null) {
            // a short periodic look rather than one task at the end: a stop never waits for a pending resume
            watch = scheduler().scheduleWithFixedDelay(this::resumeIfDue, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
        }
        long delay = Math.max(0, wait.until().toEpochMilli() - System.currentTimeMillis());
        LOG.warn("{} taking requests: {}; resuming at {} ({} s)", starting ? "Paused" : "Still paused,",
                wait.description(), clock(wait.until()), Math.round(delay / 1000.0));
    }

    private synchronized void resumeIfDue() {
        if (current == null || current.until().toEpochMilli() > System.currentTimeMillis()) {
            return;
        }
        Bitrix24PortalWait ended = current;
        addPausedTime(ended.reason());
        current = null;
        watch.cancel(false);
        watch = null;
        Consumer consumer = consumer();
        if (consumer == null || camelContext.isStopping() || !camelContext.isStarted()) {
            return;
        }
        try {
            ServiceHelper.resumeService(consumer);
            LOG.info("Taking requests again ({} ended)", ended.reason());
        } catch (RuntimeException e) {
            LOG.error("Could not resume the request consumer: {}", e.toString(), e);
        }
    }

    private void addPausedTime(Bitrix24PortalWait.Reason reason) {
        long now = System.nanoTime();
        pausedNanos.merge(reason, now - pausedSinceNanos, Long::sum);
        pausedSinceNanos = now;
    }

    /** The wait the pipeline is paused for, or null while it takes requests. */
    public synchronized Bitrix24PortalWait current() {
        return current;
    }

    /** Seconds paused so far per reason, the pause in progress included. */
    public synchronized double pausedSeconds(Bitrix24PortalWait.Reason reason) {
        long nanos = pausedNanos.getOrDefault(reason, 0L);
        if (current != null && current.reason() == reason) {
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

    private Consumer consumer() {
        Route route = camelContext == null ? null : camelContext.getRoute(PollDispatcher.CONSUMER_ROUTE_ID);
        return route == null ? null : route.getConsumer();
    }

    private ScheduledExecutorService scheduler() {
        if (scheduler == null) {
            scheduler = camelContext.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "Bitrix24PortalWait");
        }
        return scheduler;
    }
}
