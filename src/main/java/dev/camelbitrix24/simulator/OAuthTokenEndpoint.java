package dev.camelbitrix24.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stands in for {@code https://oauth.bitrix.info/oauth/token/}: {@code grant_type=refresh_token} with
 * {@code client_id}, {@code client_secret} and {@code refresh_token} (GET query or POST form) returns a new access
 * token AND a new refresh token; the old refresh token is then spent (a second use gets {@code invalid_grant}).
 */
final class OAuthTokenEndpoint {

    static final String PATH = "/oauth/token";
    static final String MEMBER_ID = "a223c6b3710f85df22e9377d6c4f7553";

    private final AuthRegistry auth;

    OAuthTokenEndpoint(AuthRegistry auth) {
        this.auth = auth;
    }

    Reply handle(Map<String, Object> params, String baseUrl) {
        auth.tokenRequested();
        String grantType = string(params.get("grant_type"));
        if (!"refresh_token".equals(grantType)) {
            return error("unsupported_grant_type", "Unsupported grant type");
        }
        AuthRegistry.OAuthApp app = auth.app(string(params.get("client_id")));
        if (app == null || !app.clientSecret().equals(string(params.get("client_secret")))) {
            return error("invalid_client", "Invalid client id or secret");
        }
        AuthRegistry.RefreshToken old = auth.refreshToken(string(params.get("refresh_token")));
        if (old == null || !old.clientId().equals(app.clientId()) || !auth.consume(old)) {
            return error("invalid_grant", "Invalid refresh token");
        }
        TokenPair pair = auth.issue(app.clientId(), old.userId());
        long expiresIn = auth.accessTokenLifetime().toSeconds();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", pair.accessToken());
        body.put("client_endpoint", baseUrl + "/rest/");
        body.put("domain", baseUrl.replaceFirst("^https?://", ""));
        body.put("expires", System.currentTimeMillis() / 1000 + expiresIn);
        body.put("expires_in", expiresIn);
        body.put("member_id", MEMBER_ID);
        body.put("refresh_token", pair.refreshToken());
        body.put("scope", String.join(",", new java.util.TreeSet<>(app.scopes())));
        body.put("server_endpoint", baseUrl + "/rest/");
        body.put("status", "L");
        body.put("user_id", old.userId());
        return Reply.json(200, body);
    }

    private static String string(Object value) {
        return value instanceof String ? (String) value : null;
    }

    private static Reply error(String error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return Reply.json(400, body);
    }
}
