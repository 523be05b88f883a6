package dev.camelbitrix24.component.client;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.component.Bitrix24CallListener;
import dev.camelbitrix24.component.Bitrix24Configuration;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;

/**
 * Everything the calls of one endpoint share: the HTTP client, the OAuth session (null in webhook mode), the retry
 * policy, the threads that run delayed retries and completions, the latest {@code operating_reset_at} seen, the
 * limits of the portal (shared with the other endpoints calling it) and, when batching is on, the batcher.
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
    final AtomicReference<Long> lastOperatingResetAt = new AtomicReference<>();
    final Set<DeleteCall> active = ConcurrentHashMap.newKeySet();
    /** Never null: a listener that ignores everything when none is configured. */
    final Bitrix24CallListener listener;
    final Set<PendingDelete> pending = ConcurrentHashMap.newKeySet();
    final PortalLimits limits;
    /** Null when batching is off: each delete is one call of its own. */
    private final DeleteBatcher batcher;

    /** The method the component calls. */
    static final String METHOD = "crm.activity.delete";

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

    /** Deletes one activity; completes with a {@link DeleteResult} or exceptionally with a {@code Bitrix24Exception}. */
    public CompletableFuture<DeleteResult> deleteActivity(long id) {
        if (batcher != null) {
            PendingDelete delete = new PendingDelete(id);
            pending.add(delete);
            delete.result.whenComplete((done, error) -> pending.remove(delete));
            batcher.submit(delete);
            return delete.result;
        }
        DeleteCall call = new DeleteCall(this, id);
        active.add(call);
        CompletableFuture<DeleteResult> result = call.start();
        result.whenComplete((done, error) -> active.remove(call));
        return result;
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
        for (DeleteCall call : active) {
            call.abort();
        }
        active.clear();
        for (PendingDelete delete : pending) {
            delete.abort();
        }
        pending.clear();
    }

    /** The OAuth session, or null in webhook mode. */
    public OAuthSession session() {
        return session;
    }
}
