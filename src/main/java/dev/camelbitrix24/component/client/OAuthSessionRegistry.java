package dev.camelbitrix24.component.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.Bitrix24TokenPair;
import dev.camelbitrix24.component.Bitrix24TokenStore;
import dev.camelbitrix24.component.InMemoryBitrix24TokenStore;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.io.CloseMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link OAuthSession} per OAuth application on a portal (token URL, client id, portal URL), shared by every
 * endpoint of a component with those credentials. Bitrix24 rotates the refresh token on every refresh, so endpoints
 * that refreshed on their own would spend each other's refresh token ({@code invalid_grant}); sharing gives them one
 * token pair, one token store and one single-flight refresh.
 * <p>
 * Rules when endpoints with the same credentials are configured differently:
 * <ul>
 * <li>Token store: the store of the endpoint that created the session (its configured {@code tokenStore}, or one
 * in-memory store of the session) serves all of them; a later endpoint configured with a different store is warned
 * about and its store is not used.</li>
 * <li>Initial tokens: the session's current pair (possibly rotated since) wins over a later endpoint's configured
 * {@code accessToken}/{@code refreshToken}.</li>
 * <li>Client secret and HTTP settings of the refresh: those of the endpoint that (re)started the session's refresh
 * client; a different client secret is warned about.</li>
 * </ul>
 * The refresh requests go through an HTTP client owned by the session, not by an endpoint: it is created when the
 * first endpoint starts using the session and closed when the last one stops (after a refresh still running ends),
 * so stopping one endpoint never cuts a refresh the others wait for. The session itself (its current pair) stays for
 * the life of the component, so an endpoint that starts again later still holds the rotated pair; it then reloads the
 * pair from the token store, which may have been updated meanwhile.
 */
public final class OAuthSessionRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(OAuthSessionRegistry.class);

    private final Map<String, Shared> sessions = new HashMap<>();
    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * The session for these credentials, created on first use; release the lease when the endpoint stops.
     *
     * @param tokenUrl        the OAuth server's token URL
     * @param portalUrl       the portal's base URL
     * @param configuredStore the endpoint's {@code tokenStore} option, or null for the default (in memory)
     * @param initial         the endpoint's configured pair, or null
     * @param httpFactory     builds (not started) the HTTP client for refreshes, when the session needs one
     * @throws IllegalArgumentException when a new session would have no token pair at all
     */
    public synchronized Lease acquire(URI tokenUrl, String clientId, String clientSecret, String portalUrl,
                                      Bitrix24TokenStore configuredStore, Bitrix24TokenPair initial,
                                      Supplier<CloseableHttpAsyncClient> httpFactory) {
        String key = key(tokenUrl, clientId, portalUrl);
        Shared shared = sessions.get(key);
        if (shared == null) {
            // throws when there is no pair at all: then nothing is registered
            shared = new Shared(Bitrix24Urls.hostOf(portalUrl), clientId, initial,
                    configuredStore != null ? configuredStore : new InMemoryBitrix24TokenStore());
            sessions.put(key, shared);
        } else {
            checkConsistent(shared, configuredStore, initial, clientSecret);
            if (shared.users == 0) {
                shared.session.reloadFromStore();
            }
        }
        if (shared.users == 0 || shared.tokenClient == null) {
            CloseableHttpAsyncClient http = httpFactory.get();
            http.start();
            shared.http = http;
            shared.clientSecret = clientSecret;
            shared.tokenClient = new OAuthTokenClient(http, mapper, tokenUrl, clientId, clientSecret);
        }
        shared.users++;
        return new Lease(shared);
    }

    private void checkConsistent(Shared shared, Bitrix24TokenStore configuredStore, Bitrix24TokenPair initial,
                                 String clientSecret) {
        if (configuredStore != null && configuredStore != shared.session.store()) {
            // class names only: a store's toString might show where the tokens are, or worse
            LOG.warn("An endpoint of OAuth application {} on {} is configured with tokenStore {}, but the endpoints "
                     + "of that application share one session whose store is {} (the first endpoint's): that store "
                     + "is used, the endpoint's is not", shared.clientId, shared.host,
                    configuredStore.getClass().getSimpleName(), shared.session.store().getClass().getSimpleName());
        }
        if (shared.configuredInitial != null && initial != null && !initial.equals(shared.configuredInitial)) {
            LOG.debug("An endpoint of OAuth application {} on {} is configured with other initial tokens than the "
                      + "shared session's first endpoint: the session's current pair is used", shared.clientId, shared.host);
        }
        if (shared.clientSecret != null && clientSecret != null && !clientSecret.equals(shared.clientSecret)) {
            LOG.warn("Endpoints of OAuth application {} on {} are configured with different client secrets: the "
                     + "session refreshes with the one of the endpoint that started it", shared.clientId, shared.host);
        }
    }

    /** Closes the refresh clients still open (the component stops); the sessions and their pairs stay. */
    public synchronized void closeAll() {
        for (Shared shared : sessions.values()) {
            shared.detachHttp();
        }
    }

    private static String key(URI tokenUrl, String clientId, String portalUrl) {
        return normalized(tokenUrl) + "\n" + clientId + "\n"
               + normalized(Bitrix24Urls.parse(portalUrl, "portalUrl"));
    }

    /** {@link Bitrix24Urls#origin} and the path without a trailing slash, so that equal addresses share. */
    private static String normalized(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return Bitrix24Urls.origin(uri) + path;
    }

    /** A session and the endpoints using it; changed under the registry's lock, the volatile fields read without. */
    private final class Shared {
        final String host;
        final String clientId;
        final Bitrix24TokenPair configuredInitial;
        final OAuthSession session;
        int users;
        CloseableHttpAsyncClient http;
        volatile String clientSecret;
        volatile OAuthTokenClient tokenClient;

        Shared(String host, String clientId, Bitrix24TokenPair configuredInitial, Bitrix24TokenStore store) {
            this.host = host;
            this.clientId = clientId;
            this.configuredInitial = configuredInitial;
            this.session = new OAuthSession(store, configuredInitial, this::refresh);
        }

        CompletableFuture<Bitrix24TokenPair> refresh(String refreshToken) {
            OAuthTokenClient client = tokenClient;
            if (client == null) {
                return CompletableFuture.failedFuture(new Bitrix24Exception(Bitrix24ErrorType.TRANSPORT_ERROR, null,
                        "No endpoint of this OAuth application is started: the token cannot be refreshed", 0, 0));
            }
            return client.refresh(refreshToken);
        }

        /** Stops using the HTTP client and closes it once no refresh runs on it any more. Registry lock held. */
        void detachHttp() {
            CloseableHttpAsyncClient old = http;
            http = null;
            tokenClient = null;
            if (old == null) {
                return;
            }
            CompletableFuture<Void> idle = session.idle();
            if (idle.isDone()) {
                old.close(CloseMode.GRACEFUL);
            } else {
                // not on the thread that completes the refresh: that is one of this client's own I/O threads
                idle.whenCompleteAsync((done, error) -> old.close(CloseMode.GRACEFUL));
            }
        }

        List<String> secrets() {
            List<String> secrets = new ArrayList<>(session.knownTokens());
            secrets.add(clientSecret);
            return secrets;
        }
    }

    /** One endpoint's use of a shared session, from its start to its stop. */
    public final class Lease {

        private final Shared shared;
        private final AtomicBoolean released = new AtomicBoolean();

        private Lease(Shared shared) {
            this.shared = shared;
        }

        public OAuthSession session() {
            return shared.session;
        }

        /** The session's tokens (current and recently replaced) and the client secret its refreshes send. */
        public List<String> secrets() {
            return shared.secrets();
        }

        /** The endpoint stopped: closes the session's refresh client when no other endpoint uses it. Idempotent. */
        public void release() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            synchronized (OAuthSessionRegistry.this) {
                shared.users--;
                if (shared.users == 0) {
                    shared.detachHttp();
                }
            }
        }
    }

    /** For tests: how many endpoints use the session of these credentials (0 when none or unknown). */
    synchronized int users(URI tokenUrl, String clientId, String portalUrl) {
        Shared shared = sessions.get(key(tokenUrl, clientId, portalUrl));
        return shared == null ? 0 : shared.users;
    }

    @Override
    public String toString() {
        return "OAuthSessionRegistry[sessions=" + sessions.size() + "]";
    }
}
