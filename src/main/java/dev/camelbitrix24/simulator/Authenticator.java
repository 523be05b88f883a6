package dev.camelbitrix24.simulator;

import java.util.Map;

/** Turns a webhook path or an OAuth token ({@code auth}, {@code access_token} or Bearer) into a {@link Caller}. */
final class Authenticator {

    private final AuthRegistry auth;

    Authenticator(AuthRegistry auth) {
        this.auth = auth;
    }

    Caller authenticate(RestPath path, Map<String, Object> params, String authorizationHeader) throws RestError {
        if (path.webhook()) {
            // this simulator accepts webhooks over plain HTTP: it only listens on loopback
            AuthRegistry.Webhook webhook = auth.webhook(path.userId(), path.code());
            if (webhook == null) {
                throw new RestError(401, "INVALID_CREDENTIALS", "Invalid request credentials");
            }
            return new Caller(webhook.userId(), webhook.scopes(), null,
                    "webhook:" + webhook.userId() + "/" + webhook.code());
        }
        String token = token(params, authorizationHeader);
        if (token == null || token.isEmpty()) {
            throw new RestError(401, "NO_AUTH_FOUND", "Wrong authorization data");
        }
        AuthRegistry.AccessToken access = auth.accessToken(token);
        AuthRegistry.OAuthApp app = access == null ? null : auth.app(access.clientId);
        if (app == null) {
            throw new RestError(401, "invalid_token", "Unable to get application by token");
        }
        if (System.currentTimeMillis() >= access.expiresAtMillis) {
            throw new RestError(401, "expired_token", "The access token provided has expired");
        }
        return new Caller(access.userId, app.scopes(), app.clientId(), "app:" + app.clientId());
    }

    private static String token(Map<String, Object> params, String authorizationHeader) {
        Object value = params.get("auth") != null ? params.get("auth") : params.get("access_token");
        if (value instanceof String) {
            return (String) value;
        }
        if (authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorizationHeader.substring(7).trim();
        }
        return null;
    }

    static RestError insufficientScope(Caller caller, boolean insideBatch) {
        // inside a batch the real server leaves the description empty (fixture batch_error_halt0_200)
        String description = insideBatch ? ""
                : "The request requires higher privileges than provided by the "
                        + (caller.viaWebhook() ? "webhook token" : "access token");
        return new RestError(403, "insufficient_scope", description);
    }
}
