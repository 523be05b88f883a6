package dev.camelbitrix24.simulator;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** The portal's incoming webhooks, OAuth applications and the tokens issued to them. Thread-safe. */
final class AuthRegistry {

    private static final char[] TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    record Webhook(int userId, String code, Set<String> scopes) {
    }

    record OAuthApp(String clientId, String clientSecret, Set<String> scopes) {
    }

    /** An access token; it is expired once the clock passes {@code expiresAtMillis}. */
    static final class AccessToken {
        final String clientId;
        final int userId;
        volatile long expiresAtMillis;

        AccessToken(String clientId, int userId, long expiresAtMillis) {
            this.clientId = clientId;
            this.userId = userId;
            this.expiresAtMillis = expiresAtMillis;
        }
    }

    record RefreshToken(String clientId, int userId, AtomicBoolean used) {
    }

    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Webhook> webhooks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, OAuthApp> apps = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AccessToken> accessTokens = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RefreshToken> refreshTokens = new ConcurrentHashMap<>();
    private final AtomicLong refreshCount = new AtomicLong();
    private final AtomicLong tokenRequests = new AtomicLong();
    private volatile Duration accessTokenLifetime;

    AuthRegistry(Duration accessTokenLifetime) {
        this.accessTokenLifetime = accessTokenLifetime;
    }

    void clear() {
        webhooks.clear();
        apps.clear();
        accessTokens.clear();
        refreshTokens.clear();
        refreshCount.set(0);
        tokenRequests.set(0);
    }

    Duration accessTokenLifetime() {
        return accessTokenLifetime;
    }

    void addWebhook(int userId, String code, Set<String> scopes) {
        if (userId < 1 || code == null || code.isEmpty()) {
            throw new IllegalArgumentException("a webhook needs a user id >= 1 and a non-empty code");
        }
        webhooks.put(userId + "/" + code, new Webhook(userId, code, Set.copyOf(scopes)));
    }

    Webhook webhook(String userId, String code) {
        return webhooks.get(userId + "/" + code);
    }

    void registerApp(String clientId, String clientSecret, Set<String> scopes) {
        if (clientId == null || clientId.isEmpty() || clientSecret == null) {
            throw new IllegalArgumentException("an OAuth app needs a client id and a secret");
        }
        apps.put(clientId, new OAuthApp(clientId, clientSecret, Set.copyOf(scopes)));
    }

    OAuthApp app(String clientId) {
        return clientId == null ? null : apps.get(clientId);
    }

    TokenPair issue(String clientId, int userId) {
        if (app(clientId) == null) {
            throw new IllegalArgumentException("no OAuth app registered with this client id");
        }
        String access = newToken();
        String refresh = newToken();
        accessTokens.put(access, new AccessToken(clientId, userId,
                System.currentTimeMillis() + accessTokenLifetime.toMillis()));
        refreshTokens.put(refresh, new RefreshToken(clientId, userId, new AtomicBoolean()));
        return new TokenPair(access, refresh);
    }

    AccessToken accessToken(String token) {
        return token == null ? null : accessTokens.get(token);
    }

    RefreshToken refreshToken(String token) {
        return token == null ? null : refreshTokens.get(token);
    }

    /** Used once, by the successful refresh that consumed it. */
    boolean consume(RefreshToken token) {
        boolean first = token.used().compareAndSet(false, true);
        if (first) {
            refreshCount.incrementAndGet();
        }
        return first;
    }

    /** Every refresh token issued so far answers invalid_grant from now on (the app was re-installed or revoked). */
    void revokeAllRefreshTokens() {
        refreshTokens.values().forEach(t -> t.used().set(true));
    }

    /** A request reached the token endpoint, whatever its answer. */
    void tokenRequested() {
        tokenRequests.incrementAndGet();
    }

    long tokenRequestCount() {
        return tokenRequests.get();
    }

    void expireAllAccessTokens() {
        accessTokens.values().forEach(t -> t.expiresAtMillis = Long.MIN_VALUE);
    }

    long refreshCount() {
        return refreshCount.get();
    }

    private String newToken() {
        char[] chars = new char[32];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = TOKEN_ALPHABET[random.nextInt(TOKEN_ALPHABET.length)];
        }
        return new String(chars);
    }
}
