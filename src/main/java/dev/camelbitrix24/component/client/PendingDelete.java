package dev.camelbitrix24.component.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24PortalWait;

/**
 * One exchange's delete, sent alone or in batches: its own attempt count, its own lost-reply state and its own
 * outcome, so that it ends the same either way.
 */
final class PendingDelete {

    final long id;
    final long startNanos = System.nanoTime();
    final CompletableFuture<DeleteResult> result = new CompletableFuture<>();
    // confined to one batch call at a time; volatile for abort(), read from the thread that stops the endpoint
    volatile int attempts;
    volatile boolean mayHaveReached;
    /** When it last joined the batcher's queue; guarded by the batcher. */
    long queuedNanos;
    /** Its exchange said that more deletes follow it at once (a batch consumer's exchange, not the batch's last). */
    boolean moreFollow;
    /** The time figures of the latest reply that carried them for this delete, or null. */
    private volatile TimeFigures lastTime;

    PendingDelete(long id) {
        if (id <= 0) {
            // ActivityIdResolver lets only positive ids through; anything else must never reach a command string
            throw new IllegalArgumentException("activity id must be positive");
        }
        this.id = id;
    }

    long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** A reply carried time figures for this delete. */
    void timed(TimeFigures time) {
        if (time != null) {
            lastTime = time;
        }
    }

    /** Ends it deleted; {@code time} null means the last figures seen for it (a not-found reply carries none). */
    void succeed(boolean confirmedOnRetry, int status, TimeFigures time) {
        result.complete(new DeleteResult(id, attempts, confirmedOnRetry, status, time != null ? time : lastTime));
    }

    /** Ends it with the failure the client makes of this (a portal-wide wait or the request's own). */
    void fail(Bitrix24Client client, Bitrix24ErrorType type, String code, String description, int status, Throwable cause,
              boolean wholeCall) {
        client.failure(type, code, description, status, attempts, mayHaveReached, wholeCall, startNanos, cause)
                .thenAccept(result::completeExceptionally);
    }

    /** Ends it unsent because the portal waits past its retry budget. */
    void waitFor(Bitrix24Client client, Bitrix24PortalWait wait) {
        result.completeExceptionally(client.waiting(wait, attempts, mayHaveReached));
    }

    /** Ends it as the endpoint stops; one that already ended is left as it is. */
    void abort(Bitrix24Client client) {
        result.completeExceptionally(client.stopped(attempts, mayHaveReached));
    }
}
