package dev.camelbitrix24.component.client;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.camelbitrix24.component.Bitrix24CallListener;
import dev.camelbitrix24.component.Bitrix24PortalWait;

/**
 * Whether a portal answers at all, and the portal-wide wait last announced to listeners. A call failure counts against
 * the portal, not the request, only when nothing the portal sent since the call began was an answer and a probe of
 * its cheapest method is not answered either: while other calls are answered, the failure is the call's own.
 * Shared by every endpoint calling one portal; thread-safe.
 */
public final class PortalWaits {

    private long lastAnsweredNanos = Long.MIN_VALUE;
    /** Wall-clock millis of the first failure since the last answer; 0 while the portal answers. */
    private long failingSince;
    private Bitrix24PortalWait unreachable;
    private Bitrix24PortalWait announced;
    private CompletableFuture<Boolean> probe;

    /** The portal answered a call (a result, or an error envelope of its own, a 503 included). */
    public synchronized void onAnswered(long nowNanos) {
        lastAnsweredNanos = nowNanos;
        failingSince = 0;
        unreachable = null;
    }

    /** A whole call failed without an answer from the portal (network, a 5xx without a Bitrix24 error). */
    public synchronized void onUnanswered(long nowEpochMillis) {
        if (failingSince == 0) {
            failingSince = nowEpochMillis;
        }
    }

    /** True when the portal answered any call after {@code sinceNanos}. */
    public synchronized boolean answeredSince(long sinceNanos) {
        return lastAnsweredNanos != Long.MIN_VALUE && lastAnsweredNanos - sinceNanos > 0;
    }

    /**
     * The portal has answered nothing since a call began that has now run out of retries: no call goes out until
     * {@code retryAt}, when the next one tries it again.
     */
    public synchronized Bitrix24PortalWait markUnreachable(long nowEpochMillis, long retryAtEpochMillis, String description) {
        long since = failingSince == 0 ? nowEpochMillis : failingSince;
        unreachable = new Bitrix24PortalWait(Bitrix24PortalWait.Reason.PORTAL_UNREACHABLE,
                Instant.ofEpochMilli(retryAtEpochMillis), Instant.ofEpochMilli(since), description);
        return unreachable;
    }

    /**
     * Whether the portal answers its cheapest call now: one probe at a time, shared by every failure that asks while
     * it runs.
     */
    public CompletableFuture<Boolean> probe(Supplier<CompletableFuture<ReplyVerdict>> profile, long timeoutMillis) {
        CompletableFuture<Boolean> running;
        synchronized (this) {
            if (probe != null) {
                return probe;
            }
            probe = new CompletableFuture<>();
            running = probe;
        }
        CompletableFuture<ReplyVerdict> call;
        try {
            call = profile.get();
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        // a probe that never ends must not hold back every failure waiting for it: no answer in time is no answer
        call.completeOnTimeout(null, timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((verdict, error) -> {
            boolean answered = verdict != null && (verdict.success() || verdict.errorCode() != null);
            synchronized (this) {
                probe = null;
            }
            if (answered) {
                onAnswered(System.nanoTime());
            }
            running.complete(answered);
        });
        return running;
    }

    /** The unreachable portal's wait while it lasts, else null. */
    public synchronized Bitrix24PortalWait unreachable(long nowEpochMillis) {
        return unreachable != null && unreachable.until().toEpochMilli() > nowEpochMillis ? unreachable : null;
    }

    /** Tells the listener of {@code wait} when it is new or ends later than the one announced last; once otherwise. */
    public void announce(Bitrix24PortalWait wait, Bitrix24CallListener listener) {
        synchronized (this) {
            if (announced != null && announced.reason() == wait.reason()
                && !wait.until().isAfter(announced.until().plusSeconds(1))) {
                return;
            }
            announced = wait;
        }
        listener.onPortalWait(wait);
    }
}
