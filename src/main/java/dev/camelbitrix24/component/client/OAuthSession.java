package dev.camelbitrix24.component.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import dev.camelbitrix24.component.Bitrix24TokenPair;
import dev.camelbitrix24.component.Bitrix24TokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token pair the endpoints of one OAuth application on one portal call with, and its single-flight refresh:
 * however many calls fail at once with {@code expired_token}, one refresh runs and all of them wait for it
 * (PROTOCOL §6; refreshing twice would also burn the rotating refresh token). A call that failed with a token that was
 * already replaced just takes the new one. A component shares one session among all its endpoints with the same
 * credentials ({@link OAuthSessionRegistry}).
 */
public final class OAuthSession {

    private static final Logger LOG = LoggerFactory.getLogger(OAuthSession.class);
    /** How many replaced pairs are remembered for masking besides the current one. */
    private static final int REMEMBERED = 4;

    private final Bitrix24TokenStore store;
    private final TokenRefresher refresher;
    private final AtomicInteger refreshes = new AtomicInteger();
    /** The pairs this session held most recently (current included), so that maskers still know a replaced token. */
    private final Deque<Bitrix24TokenPair> recent = new ArrayDeque<>();
    private Bitrix24TokenPair current;
    private CompletableFuture<Bitrix24TokenPair> inFlight;

    public OAuthSession(Bitrix24TokenStore store, Bitrix24TokenPair initial, TokenRefresher refresher) {
        this.store = store;
        this.refresher = refresher;
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
        store.load().ifPresent(pair -> {
            current = pair;
            remember(pair);
        });
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
     * The pair to use instead of {@code stale}, which Bitrix24 just refused as expired or invalid. Starts a refresh
     * only when {@code stale} is still current and no refresh is running; otherwise joins or returns the newer pair.
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
            result = new CompletableFuture<>();
            inFlight = result;
        }
        refreshes.incrementAndGet();
        CompletableFuture<Bitrix24TokenPair> refreshed;
        try {
            refreshed = refresher.refresh(stale.getRefreshToken());
        } catch (RuntimeException e) {
            refreshed = CompletableFuture.failedFuture(e);
        }
        refreshed.whenComplete((pair, error) -> {
            synchronized (this) {
                if (error == null) {
                    current = pair;
                    remember(pair);
                }
                inFlight = null;
            }
            if (error != null) {
                result.completeExceptionally(error);
                return;
            }
            save(pair);
            result.complete(pair);
        });
        return result;
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
