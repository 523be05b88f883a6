package dev.camelbitrix24.component.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24PortalWait;

/**
 * One exchange's call of one method, sent alone or (a delete) in batches: its own attempt count, its own lost-reply
 * state and its own outcome, so that it ends the same either way. {@link PortalExchange} carries it to the portal.
 *
 * @param <R> what it completes with on success
 */
abstract class PendingCall<R> {

    /** The REST method, whose operating-time window the call spends. */
    final String method;
    final long startNanos = System.nanoTime();
    final CompletableFuture<R> result = new CompletableFuture<>();
    // confined to one request at a time; volatile for abort(), read from the thread that stops the endpoint
    volatile int attempts;
    volatile boolean mayHaveReached;
    /** The time figures of the latest reply that carried them for this call, or null. */
    private volatile TimeFigures lastTime;

    PendingCall(String method) {
        this.method = method;
    }

    long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** A reply carried time figures for this call. */
    void timed(TimeFigures time) {
        if (time != null) {
            lastTime = time;
        }
    }

    /** The last figures seen for it, or null. */
    TimeFigures lastTime() {
        return lastTime;
    }

    /** A reply whose verdict is success ends it: {@code confirmedOnRetry} when an earlier attempt did the work. */
    abstract void succeed(boolean confirmedOnRetry, int status, TimeFigures time);

    /** Ends it with the failure the client makes of this (a portal-wide wait or the request's own). */
    void fail(Bitrix24Client client, Bitrix24ErrorType type, String code, String description, int status, Throwable cause,
              boolean wholeCall) {
        client.failure(method, type, code, description, status, attempts, mayHaveReached, wholeCall, startNanos, cause)
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
