package dev.camelbitrix24.component.client;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.component.Bitrix24PortalWait;

/**
 * Coalesces the deletes of concurrent exchanges into {@code batch} calls: a batch leaves when it holds
 * {@code maxBatchSize} deletes, or when no delete has joined it for {@code maxBatchWait} (unless its last delete said
 * that more follow: see {@link #partialDueNanos()}), and only when the portal's
 * pacer and the operating-time guard let a request go, so that while it waits for them it keeps filling; it holds as
 * many deletes as the method's operating-time budget has room for. Batches that are retried as a whole go first.
 */
final class DeleteBatcher {

    private final Bitrix24Client client;
    private final URI batchUrl;
    private final int maxBatchSize;
    private final long maxBatchWaitNanos;
    /** A batch that keeps getting deletes keeps filling, but never longer than this after its first. */
    private static final int MAX_WAITS = 10;
    /**
     * How long a batch whose last delete said that more follow (Camel's {@code CamelBatchComplete=false}, set by a
     * batch consumer such as the pipeline's poll) waits for them at most, counted from its first delete.
     */
    static final long FOLLOW_WAIT_MILLIS = 1000;
    private static final long FOLLOW_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(FOLLOW_WAIT_MILLIS);

    // guarded by this
    private final Deque<PendingDelete> pending = new ArrayDeque<>();
    private final Deque<List<PendingDelete>> retries = new ArrayDeque<>();
    private ScheduledFuture<?> flush;
    private long flushAtNanos;
    private final PacerWait pacerWait = new PacerWait();
    private long lastQueuedNanos;
    private boolean lastSaidMoreFollow;

    DeleteBatcher(Bitrix24Client client, URI batchUrl, int maxBatchSize, long maxBatchWaitMillis) {
        this.client = client;
        this.batchUrl = batchUrl;
        this.maxBatchSize = maxBatchSize;
        this.maxBatchWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxBatchWaitMillis);
    }

    /** Queues one delete for the next batch. */
    void submit(PendingDelete delete) {
        synchronized (this) {
            delete.queuedNanos = System.nanoTime();
            lastQueuedNanos = delete.queuedNanos;
            lastSaidMoreFollow = delete.moreFollow;
            pending.addLast(delete);
            scheduleNextFlush(System.nanoTime());
        }
    }

    /** Queues a batch that failed as a whole, to be sent again as it is, before any new one. */
    void resend(List<PendingDelete> members) {
        synchronized (this) {
            retries.addLast(members);
            schedule(0, System.nanoTime());
        }
    }

    private void flush() {
        List<PendingDelete> batch;
        synchronized (this) {
            flush = null;
            long now = System.nanoTime();
            if (retries.isEmpty() && !due(now)) {
                scheduleNextFlush(now);
                return;
            }
            long wall = client.clock.getAsLong();
            Bitrix24PortalWait wait = client.portalPause(Bitrix24Client.METHOD, wall);
            if (wait != null) {
                long paused = Math.max(1, wait.until().toEpochMilli() - wall);
                giveUpPastBudget(paused, wait);
                if (!pending.isEmpty() || !retries.isEmpty()) {
                    // the deletes still within their budget wait here, and the batch keeps filling meanwhile
                    schedule(paused, now);
                }
                return;
            }
            long pacer = client.limits.reserveRequest(now);
            if (pacer > 0) {
                pacerWait.held(now);
                schedule(pacer, now);
                return;
            }
            batch = retries.isEmpty() ? take(wall) : retries.pollFirst();
            scheduleNextFlush(now);
            if (!batch.isEmpty()) {
                pacerWait.sending(client.limits, client.listener);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        client.listener.onBatch(batch.size());
        new BatchCall(client, this, batch, batchUrl).send();
    }

    /**
     * Ends, unsent, the deletes the portal's wait would keep past their retry budget: not their failure, the portal's
     * (a consumer can hold them until the wait ends). The others wait here.
     */
    private void giveUpPastBudget(long pausedMillis, Bitrix24PortalWait wait) {
        long budget = client.configuration.getRetryBudget();
        pending.removeIf(d -> {
            boolean giveUp = d.elapsedMillis() + pausedMillis > budget;
            if (giveUp) {
                d.waitFor(client, wait);
            }
            return giveUp;
        });
        retries.removeIf(batch -> {
            boolean giveUp = batch.stream().anyMatch(d -> d.elapsedMillis() + pausedMillis > budget);
            if (giveUp) {
                batch.forEach(d -> d.waitFor(client, wait));
            }
            return giveUp;
        });
    }

    private boolean due(long now) {
        return pending.size() >= maxBatchSize || !pending.isEmpty() && now >= partialDueNanos();
    }

    /** The next batch: as many queued deletes as fit in one call and in the method's operating-time budget. */
    private List<PendingDelete> take(long nowEpochMillis) {
        int size = client.limits.operatingTime().fits(BatchCall.METHOD, Math.min(maxBatchSize, pending.size()),
                nowEpochMillis);
        List<PendingDelete> batch = new ArrayList<>(size);
        while (batch.size() < size && !pending.isEmpty()) {
            PendingDelete next = pending.pollFirst();
            // an exchange ended meanwhile (the endpoint stopped) has nothing left to send
            if (!next.result.isDone()) {
                batch.add(next);
            }
        }
        return batch;
    }

    /**
     * When a batch that is not full leaves: once no delete has joined it for {@code maxBatchWait} (deletes handed over
     * together keep it filling, even when their hand-over is slowed down), at most {@code 10 x maxBatchWait} after its
     * first delete. While the last delete that joined said that more follow (its exchange came from a batch consumer
     * and was not the last of its batch), the batch waits for them instead, however slowly they are handed over (a
     * thread descheduled on a busy machine), but at most {@link #FOLLOW_WAIT_MILLIS} after its first delete: a portal
     * request spent on a few deletes is a request the backlog lacks at its end.
     */
    private long partialDueNanos() {
        long first = pending.peekFirst().queuedNanos;
        if (lastSaidMoreFollow) {
            return first + Math.max(FOLLOW_WAIT_NANOS, MAX_WAITS * maxBatchWaitNanos);
        }
        return Math.min(lastQueuedNanos + maxBatchWaitNanos, first + MAX_WAITS * maxBatchWaitNanos);
    }

    private void scheduleNextFlush(long now) {
        if (!retries.isEmpty() || pending.size() >= maxBatchSize) {
            schedule(0, now);
        } else if (!pending.isEmpty()) {
            schedule(Math.max(0, partialDueNanos() - now) / 1_000_000, now);
        }
    }

    /** Makes sure a flush runs within {@code delayMillis}; an earlier one already planned is kept. */
    private void schedule(long delayMillis, long now) {
        long at = now + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        if (flush != null) {
            if (flushAtNanos <= at) {
                return;
            }
            flush.cancel(false);
        }
        flushAtNanos = at;
        try {
            flush = client.scheduler.schedule(this::flushGuarded, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the endpoint is stopping: abortAll() ends what is queued
            flush = null;
        }
    }

    private void flushGuarded() {
        try {
            flush();
        } catch (RuntimeException e) {
            // a flush that threw must not strand the queue
            synchronized (this) {
                schedule(10, System.nanoTime());
            }
            throw e;
        }
    }
}
