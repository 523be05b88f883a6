package dev.camelbitrix24.component.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.camelbitrix24.component.Bitrix24ErrorCategory;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.Bitrix24TokenPair;
import dev.camelbitrix24.component.Bitrix24TokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token pair the endpoints of one OAuth application on one portal call with, and its single-flight refresh:
 * however many calls fail at once with {@code expired_token}, one refresh runs and all of them wait for it
 * (refreshing twice would burn the refresh token, which Bitrix24 replaces on every refresh). A call that failed with a
 * token that was already replaced just takes the new one. A component shares one session among all its endpoints with the same
 * credentials ({@link OAuthSessionRegistry}).
 * <p>
 * Several instances of an application (on several machines) share one pair through a shared token store: a refused
 * access token first looks in the store, where another instance may have put the pair it refreshed, and a refreshed
 * pair is saved before it is used. Two instances that refresh the same pair at once both send the same refresh token;
 * the OAuth server rotates it for the first and refuses the second ({@code invalid_grant}), which then reads the store
 * until the first one's pair shows up (a few seconds at most) and takes it, failing no call.
 * <p>
 * A refresh the OAuth server refuses ({@code invalid_grant}, ...) is not tried again for the same pair: an application
 * that refreshes over and over may be blocked by Bitrix24. Calls that meet that pair fail with the same
 * refusal, without a refresh request, until the token store holds another pair (written by another instance, or by
 * a person who re-authorized the application); the store is read again before each such failure. A refresh that fails
 * on the network or with a server error is retried with backoff, a bounded number of times, still single-flight.
 */
public final class OAuthSession {

    private static final Logger LOG = LoggerFactory.getLogger(OAuthSession.class);
    /** How many replaced pairs are remembered for masking besides the current one. */
    private static final int REMEMBERED = 4;
    /** Refresh requests for one stale pair when the network or the OAuth server fails: the first and two retries. */
    static final int REFRESH_ATTEMPTS = 3;
    static final long REFRESH_BACKOFF_MILLIS = 500;
    /**
     * How long a refused refresh waits for the token store to show another pair before it fails: the instance whose
     * refresh spent the same refresh token a moment earlier saves its new pair within milliseconds.
     */
    static final long STORE_WAIT_MILLIS = 2000;
    static final long STORE_POLL_MILLIS = 100;

    private final Bitrix24TokenStore store;
    private final TokenRefresher refresher;
    private final int refreshAttempts;
    private final long refreshBackoffMillis;
    private final long storeWaitMillis;
    private final AtomicInteger refreshes = new AtomicInteger();
    /** The pairs this session held most recently (current included), so that maskers still know a replaced token. */
    private final Deque<Bitrix24TokenPair> recent = new ArrayDeque<>();
    private Bitrix24TokenPair current;
    private CompletableFuture<Bitrix24TokenPair> inFlight;
    /** The pair whose refresh the OAuth server refused, and its refusal: no refresh is sent for it again. */
    private Bitrix24TokenPair refused;
    private Throwable refusal;

    public OAuthSession(Bitrix24TokenStore store, Bitrix24TokenPair initial, TokenRefresher refresher) {
        this(store, initial, refresher, REFRESH_ATTEMPTS, REFRESH_BACKOFF_MILLIS);
    }

    /**
     * @param refreshAttempts      refresh requests for one stale pair at most, when the network or the OAuth server fails
     * @param refreshBackoffMillis the wait before the first retry of such a refresh, doubled before each next one
     */
    public OAuthSession(Bitrix24TokenStore store, Bitrix24TokenPair initial, TokenRefresher refresher,
                        int refreshAttempts, long refreshBackoffMillis) {
        this(store, initial, refresher, refreshAttempts, refreshBackoffMillis, STORE_WAIT_MILLIS);
    }

    /**
     * @param storeWaitMillis how long a refresh the OAuth server refused waits for the token store to show another
     *                        pair (saved by another instance that refreshed first) before it fails
     */
    public OAuthSession(Bitrix24TokenStore store, Bitrix24TokenPair initial, TokenRefresher refresher,
                        int refreshAttempts, long refreshBackoffMillis, long storeWaitMillis) {
        this.store = store;
        this.refresher = refresher;
        this.refreshAttempts = Math.max(1, refreshAttempts);
        this.refreshBackoffMillis = refreshBackoffMillis;
        this.storeWaitMillis = storeWaitMillis;
        this.current = store.load().orElse(initial);
        if (current == null) {
            throw new IllegalArgumentException(
                    "OAuth mode needs an accessToken (and a refreshToken to renew it), or a tokenStore that holds a pair");
        }
        remember(initial);
        remember(current);
    }

    public synchronized Bitrix24TokenPair current() {
        return current;
    }

    /**
     * Takes the pair in the token store, if it holds one, as the current pair: for an endpoint that starts again after
     * every endpoint of this session stopped (the store may have been updated meanwhile). Does nothing while a refresh
     * runs.
     */
    public synchronized void reloadFromStore() {
        if (inFlight != null) {
            return;
        }
        takeStoredPairIfNew();
    }

    /** Called with the lock held: takes the store's pair when it differs from the current one. */
    private boolean takeStoredPairIfNew() {
        return takeIfNew(loadStored());
    }

    /** The token store's pair, or null when it holds none or fails. */
    private Bitrix24TokenPair loadStored() {
        try {
            return store.load().orElse(null);
        } catch (RuntimeException e) {
            // only the type: the message may quote a token
            LOG.warn("The token store failed to load the OAuth token pair ({})", e.getClass().getName());
            return null;
        }
    }

    /** Called with the lock held: takes {@code stored} when it differs from the current pair. */
    private boolean takeIfNew(Bitrix24TokenPair stored) {
        if (stored == null || stored.equals(current)) {
            return false;
        }
        current = stored;
        remember(stored);
        refused = null;
        refusal = null;
        return true;
    }

    /** The tokens this session holds or held recently, for masking them in text that came from elsewhere. */
    public synchronized List<String> knownTokens() {
        List<String> tokens = new ArrayList<>();
        for (Bitrix24TokenPair pair : recent) {
            tokens.add(pair.getAccessToken());
            tokens.add(pair.getRefreshToken());
        }
        return tokens;
    }

    /** Completes when no refresh runs: at once, or when the running one ends (either way). */
    public synchronized CompletableFuture<Void> idle() {
        return inFlight == null ? CompletableFuture.completedFuture(null)
                : inFlight.handle((pair, error) -> null);
    }

    /** The token store the session loads from and saves each refreshed pair to. */
    public Bitrix24TokenStore store() {
        return store;
    }

    /** How many refreshes this session started. */
    public int refreshCount() {
        return refreshes.get();
    }

    /**
     * The pair to use instead of {@code stale}, which Bitrix24 just refused as expired or invalid. Takes the token
     * store's pair when it differs (another instance of the application refreshed and saved it); otherwise starts a
     * refresh only when {@code stale} is still current, no refresh is running and the OAuth server has not refused one
     * for it. Else joins the running refresh, returns the newer pair, or fails with the earlier refusal (after reading
     * the token store once more, whose pair is taken when it differs).
     */
    public CompletableFuture<Bitrix24TokenPair> refreshAfter(Bitrix24TokenPair stale) {
        CompletableFuture<Bitrix24TokenPair> result;
        synchronized (this) {
            if (!current.equals(stale)) {
                return CompletableFuture.completedFuture(current);
            }
            if (inFlight != null) {
                return inFlight;
            }
            if (takeStoredPairIfNew()) {
                return CompletableFuture.completedFuture(current);
            }
            if (current.equals(refused)) {
                return CompletableFuture.failedFuture(refusal);
            }
            result = new CompletableFuture<>();
            inFlight = result;
        }
        attempt(stale, 1, result);
        return result;
    }

    private void attempt(Bitrix24TokenPair stale, int attempt, CompletableFuture<Bitrix24TokenPair> result) {
        refreshes.incrementAndGet();
        CompletableFuture<Bitrix24TokenPair> refreshed;
        try {
            refreshed = refresher.refresh(stale.getRefreshToken());
        } catch (RuntimeException e) {
            refreshed = CompletableFuture.failedFuture(e);
        }
        refreshed.whenComplete((pair, error) -> {
            if (error == null) {
                // saved before anyone uses it: the old refresh token is spent, the new one must outlive this process.
                // On the session's own HTTP client thread, which serves refreshes only
                save(pair);
                synchronized (this) {
                    current = pair;
                    remember(pair);
                    inFlight = null;
                }
                result.complete(pair);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (!isTransient(cause)) {
                // invalid_grant: another instance may have spent this refresh token a moment ago; other refusals
                // (invalid_client, no refresh token) stand at once, unless the store holds another pair already
                long waitMillis = cause instanceof Bitrix24Exception b24 && "invalid_grant".equals(b24.getErrorCode())
                        ? storeWaitMillis : 0;
                awaitStoredPair(stale, cause, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis), result);
                return;
            }
            boolean retry = attempt < refreshAttempts;
            synchronized (this) {
                if (takeStoredPairIfNew()) {
                    // another instance refreshed meanwhile and saved its pair: that one is current now
                    inFlight = null;
                    result.complete(current);
                    return;
                }
                if (!retry) {
                    inFlight = null;
                }
            }
            if (!retry) {
                result.completeExceptionally(cause);
                return;
            }
            long delay = refreshBackoffMillis << (attempt - 1);
            LOG.debug("The OAuth token refresh failed ({}); trying again in {} ms", cause.getClass().getSimpleName(), delay);
            CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(() -> attempt(stale, attempt + 1, result));
        });
    }

    /**
     * The OAuth server refused to refresh {@code stale}. Another instance of the application that refreshed the same
     * pair first (its refresh token rotated) saves its new pair within moments: the token store is read until it shows
     * another pair, which is taken, or until the deadline, when the refusal stands for {@code stale}.
     */
    private void awaitStoredPair(Bitrix24TokenPair stale, Throwable cause, long deadlineNanos,
                                 CompletableFuture<Bitrix24TokenPair> result) {
        // read without the lock: the calls of this session go on meanwhile (they take the current pair under it)
        Bitrix24TokenPair stored = loadStored();
        boolean gaveUp;
        synchronized (this) {
            if (takeIfNew(stored)) {
                inFlight = null;
                result.complete(current);
                return;
            }
            gaveUp = System.nanoTime() >= deadlineNanos;
            if (gaveUp) {
                refused = stale;
                refusal = cause;
                inFlight = null;
            }
        }
        if (gaveUp) {
            result.completeExceptionally(cause);
            return;
        }
        CompletableFuture.delayedExecutor(STORE_POLL_MILLIS, TimeUnit.MILLISECONDS)
                .execute(() -> awaitStoredPair(stale, cause, deadlineNanos, result));
    }

    /** A failure of the network or of the OAuth server (5xx), not its refusal: worth another refresh request. */
    private static boolean isTransient(Throwable cause) {
        return !(cause instanceof Bitrix24Exception b24) || b24.getCategory() == Bitrix24ErrorCategory.TRANSIENT;
    }

    /** Called with the lock held. */
    private void remember(Bitrix24TokenPair pair) {
        if (pair == null) {
            return;
        }
        recent.remove(pair);
        recent.addLast(pair);
        while (recent.size() > REMEMBERED + 1) {
            recent.removeFirst();
        }
    }

    private void save(Bitrix24TokenPair pair) {
        try {
            store.save(pair);
            LOG.debug("Saved the refreshed OAuth token pair to the token store");
        } catch (RuntimeException e) {
            // the new pair still works in memory; only the exception type is logged, its message may quote a token
            LOG.warn("The token store failed to save the refreshed OAuth token pair ({}); a restart may not authenticate",
                    e.getClass().getName());
        }
    }
}
