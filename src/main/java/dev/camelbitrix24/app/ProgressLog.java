package dev.camelbitrix24.app;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.component.Bitrix24PortalWait;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * While the pipeline works, one INFO line every {@code intervalSeconds}: how many outcomes were written in that
 * time, per second, and how many of each type; while the portal makes it wait, what it waits for and until when;
 * silent while idle. The failures themselves get their own line each,
 * from {@link OutcomeRecords}.
 */
public class ProgressLog extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);

    private int intervalSeconds = 5;
    // guarded by this: outcomes since the last line, and since the start
    private final Map<String, Long> sinceLastLine = new TreeMap<>();
    private long total;
    private long lastLineNanos;
    private ScheduledExecutorService timer;

    public ProgressLog() {
        OutcomeWritten.listenForOutcomes(this);
    }

    public int getIntervalSeconds() {
        return intervalSeconds;
    }

    /** Seconds between two progress lines; 0 or less switches the progress log off. */
    public void setIntervalSeconds(int intervalSeconds) {
        this.intervalSeconds = intervalSeconds;
    }

    @Override
    public void notify(CamelEvent event) {
        OutcomeWritten written = OutcomeWritten.from(event);
        if (written != null) {
            synchronized (this) {
                sinceLastLine.merge(written.outcome(), 1L, Long::sum);
                total++;
            }
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (intervalSeconds > 0) {
            lastLineNanos = System.nanoTime();
            timer = getCamelContext().getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "Bitrix24Progress");
            timer.scheduleAtFixedRate(this::logProgress, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (timer != null) {
            getCamelContext().getExecutorServiceManager().shutdownNow(timer);
            timer = null;
        }
        // what was done since the last line is not lost at a stop
        logProgress();
        super.doStop();
    }

    /** What the pipeline waits for while it is paused, else null. */
    private String waiting() {
        PortalWaitPause pause = getCamelContext() == null ? null
                : getCamelContext().getRegistry().findSingleByType(PortalWaitPause.class);
        Bitrix24PortalWait wait = pause == null ? null : pause.current();
        return wait == null ? null : String.format("Waiting: %s; %d since start", PortalWaitPause.describe(wait), total);
    }

    /**
     * Writes the line for the time since the last one: what was processed, or what the pipeline waits for while it is
     * paused; nothing while it is idle.
     */
    void logProgress() {
        String line;
        synchronized (this) {
            long now = System.nanoTime();
            long count = sinceLastLine.values().stream().mapToLong(Long::longValue).sum();
            if (count == 0) {
                lastLineNanos = now;
                line = waiting();
                if (line == null) {
                    return;
                }
            } else {
                double seconds = Math.max(1e-3, (now - lastLineNanos) / 1e9);
                StringBuilder byType = new StringBuilder();
                sinceLastLine.forEach((outcome, n) -> byType.append(byType.isEmpty() ? "" : ", ").append(outcome)
                        .append('=').append(n));
                line = String.format("Processed %d request(s) in %.1f s (%.1f/s): %s; %d since start", count, seconds,
                        count / seconds, byType, total);
                sinceLastLine.clear();
                lastLineNanos = now;
            }
        }
        LOG.info(line);
    }
}
