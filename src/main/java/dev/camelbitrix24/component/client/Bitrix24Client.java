package dev.camelbitrix24.component.client;

import java.net.URI;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelbitrix24.component.Bitrix24CallListener;
import dev.camelbitrix24.component.Bitrix24Configuration;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.Bitrix24PortalWait;
import dev.camelbitrix24.component.Bitrix24RetryLaterException;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;

/**
 * Everything the calls of one endpoint share: the HTTP client, the OAuth session (null in webhook mode), the retry
 * policy, the threads that run delayed retries and completions, the limits of the portal (shared with the other
 * endpoints calling it) and, when batching is on, the batcher. It also decides how a call that ran out of retries
 * ends: as the request's own failure, or as a portal-wide wait ({@link Bitrix24RetryLaterException}).
 */
public final class Bitrix24Client {

    final Bitrix24Configuration configuration;
    final URI methodUrl;
    final CloseableHttpAsyncClient http;
    final ObjectMapper mapper;
    final ReplyClassifier classifier;
    final RetryPolicy retryPolicy;
    final OAuthSession session;
    final SecretMasker masker;
    final ScheduledExecutorService scheduler;
    final Executor worker;
    final LongSupplier clock;
    /** Never null: a listener that ignores everything when none is configured. */
    final Bitrix24CallListener listener;
    final Set<PendingCall<?>> pending = ConcurrentHashMap.newKeySet();
    final PortalLimits limits;
    /** Null when batching is off: each delete is one call of its own. */
    private final DeleteBatcher batcher;

    /** The method the component calls to delete. */
    static final String METHOD = "crm.activity.delete";
    /** The method the component calls to list what a filter selects. */
    static final String LIST_METHOD = "crm.activity.list";

    /**
     * @param scheduler runs retries after their delay
     * @param worker    runs reply handling and completions, keeping them off HttpClient's I/O threads
     * @param clock     wall-clock milliseconds
     * @param limits    the pacer and operating-time guard of the portal
     * @param batchUrl  the portal's {@code batch} URL when deletes are to be batched, else null
     * @param listener  hears replies and retries, for metrics; null for none
     */
    public Bitrix24Client(Bitrix24Configuration configuration, URI methodUrl, CloseableHttpAsyncClient http,
                          ObjectMapper mapper, RetryPolicy retryPolicy, OAuthSession session, SecretMasker masker,
                          ScheduledExecutorService scheduler, Executor worker, LongSupplier clock, PortalLimits limits,
                          URI batchUrl, Bitrix24CallListener listener) {
        this.configuration = configuration;
        this.methodUrl = methodUrl;
        this.http = http;
        this.mapper = mapper;
        this.classifier = new ReplyClassifier(mapper);
        this.retryPolicy = retryPolicy;
        this.session = session;
        this.masker = masker;
        this.scheduler = scheduler;
        this.worker = worker;
        this.clock = clock;
        this.listener = GuardedCallListener.of(listener);
        this.limits = limits;
        this.batcher = batchUrl == null ? null : new DeleteBatcher(this, batchUrl, configuration.getMaxBatchSize(),
                configuration.getMaxBatchWait());
    }

    /**
     * Deletes one activity; completes with a {@link DeleteResult} or exceptionally with a {@code Bitrix24Exception}.
     *
     * @param mayHaveDeleted an earlier attempt (before a crash, a stop, a portal-wide wait) may have deleted it, so
     *                       {@code Activity is not found.} means deleted, confirmed on retry
     * @param moreFollow     more deletes are being handed over right behind this one (it came from a batch consumer
     *                       and is not the last of its batch): with batching, a batch that is not full waits for them
     */
    public CompletableFuture<DeleteResult> deleteActivity(long id, boolean mayHaveDeleted, boolean moreFollow) {
        PendingDelete delete = new PendingDelete(id);
        delete.mayHaveReached = mayHaveDeleted;
        delete.moreFollow = moreFollow;
        pending.add(delete);
        delete.result.whenComplete((done, error) -> pending.remove(delete));
        if (batcher != null) {
            batcher.submit(delete);
        } else {
            new DeleteCall(this, delete).start();
        }
        return delete.result;
    }

    /**
     * Lists one page of activity ids after {@code afterId} (keyset paging: {@code >ID}, ascending, 50 at most);
     * completes with a {@link ListPage} or exceptionally with a {@code Bitrix24Exception}. Paced and guarded like the
     * deletes: the same request bucket, the list method's own operating-time window.
     *
     * @param filter the checked filter of this page, cursor included ({@code ActivityFilter#after})
     */
    public CompletableFuture<ListPage> listActivityIds(ObjectNode filter, long afterId) {
        PendingList list = new PendingList(filter, afterId);
        pending.add(list);
        list.result.whenComplete((done, error) -> pending.remove(list));
        new ListCall(this, list).start();
        return list.result;
    }

    /**
     * Calls {@code profile}, the cheapest authenticated method (it needs no scope), once, without retries: completes
     * with the verdict, a success when the portal accepts this endpoint's credentials. Never completes exceptionally.
     */
    public CompletableFuture<ReplyVerdict> checkProfile() {
        return new ProfileCall(this, methodUrl.resolve(ProfileCall.METHOD + ".json")).start();
    }

    /**
     * Ends every call still running (waiting for a retry, a reply or a refresh) with a TRANSPORT_ERROR, so that no
     * exchange waits forever once the endpoint stops. Called after the HTTP client and the scheduler are shut down.
     */
    public void abortAll() {
        for (PendingCall<?> call : pending) {
            call.abort(this);
        }
        pending.clear();
    }

    /** The OAuth session, or null in webhook mode. */
    public OAuthSession session() {
        return session;
    }

    /** Tells the listener what the method's operating-time window holds now, after a reply that reported it. */
    void reportOperatingTime(String method) {
        OperatingTimeGuard.Snapshot s = limits.operatingTime().snapshot(method);
        if (!Double.isNaN(s.operatingSeconds())) {
            listener.onOperatingTime(method, s.operatingSeconds(), s.limitSeconds());
        }
    }

    /** The portal-wide wait in force now (the method's operating time spent, or a portal that answers nothing), or null. */
    Bitrix24PortalWait portalPause(String method, long nowEpochMillis) {
        long paused = limits.operatingTime().pauseMillis(method, nowEpochMillis);
        if (paused > 0) {
            return operatingTimeWait(method, nowEpochMillis, nowEpochMillis + paused);
        }
        return limits.waits().unreachable(nowEpochMillis);
    }

    /**
     * How a call that ran out of retries (or was given up before them) ends. The operating-time window and the
     * request bucket belong to the portal, so their failures are waits. A server or network failure of a whole call
     * ({@code wholeCall}: not a command inside a batch reply, which is an answer) is one too when the portal answered
     * no call since this one began and does not answer {@code profile}, its cheapest method, either: then it is down,
     * not troubled by this request. Everything else is the request's own failure.
     */
    CompletableFuture<Bitrix24Exception> failure(String method, Bitrix24ErrorType type, String code, String description, int status,
                                                 int attempts, boolean mayHaveDeleted, boolean wholeCall, long startNanos,
                                                 Throwable cause) {
        String maskedCode = masker.mask(code);
        String maskedDescription = masker.mask(description);
        boolean mayBeDown = (type == Bitrix24ErrorType.SERVER_ERROR || type == Bitrix24ErrorType.TRANSPORT_ERROR)
                            && wholeCall && !limits.waits().answeredSince(startNanos);
        if (!mayBeDown) {
            return CompletableFuture.completedFuture(typed(type, maskedCode, maskedDescription, status, attempts,
                    mayHaveDeleted, portalWaitFor(method, type), cause));
        }
        return limits.waits().probe(this::checkProfile, configuration.getConnectTimeout()
                                                         + configuration.getResponseTimeout()).thenApply(answered -> typed(type, maskedCode, maskedDescription,
                status, attempts, mayHaveDeleted, answered ? null : limits.waits().markUnreachable(clock.getAsLong(),
                        clock.getAsLong() + configuration.getMaxBackoff(), "No call was answered, profile neither (last: "
                                                                        + maskedDescription + ")"), cause));
    }

    private Bitrix24Exception typed(Bitrix24ErrorType type, String code, String description, int status, int attempts,
                                    boolean mayHaveDeleted, Bitrix24PortalWait wait, Throwable cause) {
        if (wait == null) {
            return new Bitrix24Exception(type, code, description, status, type.retriable(), attempts, mayHaveDeleted, cause);
        }
        limits.waits().announce(wait, listener);
        return new Bitrix24RetryLaterException(type, code, description, status, attempts, mayHaveDeleted, wait,
                wait.until(), cause);
    }

    /** A call not sent because the portal waits past the call's retry budget. */
    Bitrix24Exception waiting(Bitrix24PortalWait wait, int attempts, boolean mayHaveDeleted) {
        limits.waits().announce(wait, listener);
        Bitrix24ErrorType type = switch (wait.reason()) {
            case OPERATING_TIME_LIMIT -> Bitrix24ErrorType.OPERATION_TIME_LIMIT;
            case REQUEST_RATE_LIMIT -> Bitrix24ErrorType.RATE_LIMITED;
            case PORTAL_UNREACHABLE -> Bitrix24ErrorType.TRANSPORT_ERROR;
        };
        return new Bitrix24RetryLaterException(type, null, "Not sent: " + wait.description(), 0, attempts,
                mayHaveDeleted, wait, wait.until(), null);
    }

    /** A call ended because the endpoint stopped: not the request's failure, to be made again. */
    Bitrix24Exception stopped(int attempts, boolean mayHaveDeleted) {
        return new Bitrix24RetryLaterException(Bitrix24ErrorType.TRANSPORT_ERROR, null,
                "The endpoint stopped before the call completed", 0, attempts, mayHaveDeleted, null,
                Instant.ofEpochMilli(clock.getAsLong()), null);
    }

    /** The portal-wide wait a failure of this type means, whatever the call: the method's window, the bucket. */
    private Bitrix24PortalWait portalWaitFor(String method, Bitrix24ErrorType type) {
        long now = clock.getAsLong();
        switch (type) {
            case OPERATION_TIME_LIMIT: {
                long paused = limits.operatingTime().pauseMillis(method, now);
                Long resetAt = limits.operatingTime().resetAt(method);
                long until = paused > 0 ? now + paused
                        : resetAt != null && resetAt * 1000 + 1000 > now ? resetAt * 1000 + 1000
                        : now + configuration.getOperationTimeLimitWait();
                return operatingTimeWait(method, now, until);
            }
            case RATE_LIMITED:
                return new Bitrix24PortalWait(Bitrix24PortalWait.Reason.REQUEST_RATE_LIMIT,
                        Instant.ofEpochMilli(now + configuration.getRateLimitWait()), Instant.ofEpochMilli(now),
                        "The portal's request bucket stayed full (503 QUERY_LIMIT_EXCEEDED) through every attempt");
            default:
                return null;
        }
    }

    private Bitrix24PortalWait operatingTimeWait(String method, long now, long until) {
        OperatingTimeGuard.Snapshot s = limits.operatingTime().snapshot(method);
        String used = Double.isNaN(s.operatingSeconds()) ? "" : String.format(java.util.Locale.ROOT, " (%.1f s used%s)",
                s.operatingSeconds(), Double.isNaN(s.limitSeconds()) ? "" : String.format(java.util.Locale.ROOT,
                        " of %.1f s", s.limitSeconds()));
        return new Bitrix24PortalWait(Bitrix24PortalWait.Reason.OPERATING_TIME_LIMIT, Instant.ofEpochMilli(until),
                Instant.ofEpochMilli(now), "The operating-time window of " + method + " is spent" + used + " until "
                                           + Instant.ofEpochMilli(until));
    }
}
