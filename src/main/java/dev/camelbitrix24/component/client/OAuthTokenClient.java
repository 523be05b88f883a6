package dev.camelbitrix24.component.client;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.Bitrix24TokenPair;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.net.URIBuilder;

/**
 * Refreshes an OAuth token pair at Bitrix24's OAuth server: {@code GET <oauthTokenUrl>?grant_type=refresh_token&...}
 * (Bitrix24 REST docs: "OAuth 2.0 protocol"). The reply's new refresh token replaces the old one.
 */
public final class OAuthTokenClient implements TokenRefresher {

    private final CloseableHttpAsyncClient http;
    private final ObjectMapper mapper;
    private final URI tokenUrl;
    private final String clientId;
    private final String clientSecret;

    public OAuthTokenClient(CloseableHttpAsyncClient http, ObjectMapper mapper, URI tokenUrl, String clientId,
                            String clientSecret) {
        this.http = http;
        this.mapper = mapper;
        this.tokenUrl = tokenUrl;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    @Override
    public CompletableFuture<Bitrix24TokenPair> refresh(String refreshToken) {
        if (refreshToken == null || clientId == null || clientSecret == null) {
            return CompletableFuture.failedFuture(new Bitrix24Exception(Bitrix24ErrorType.AUTHENTICATION_FAILED, null,
                    "The access token expired and cannot be refreshed: clientId, clientSecret and refreshToken are all needed",
                    0, 0));
        }
        SimpleHttpRequest request;
        try {
            request = SimpleRequestBuilder.get(new URIBuilder(tokenUrl)
                    .addParameter("grant_type", "refresh_token")
                    .addParameter("client_id", clientId)
                    .addParameter("client_secret", clientSecret)
                    .addParameter("refresh_token", refreshToken)
                    .build()).build();
        } catch (URISyntaxException e) {
            // no cause: its message would quote the query with the secrets
            return CompletableFuture.failedFuture(new IllegalArgumentException("The oauthTokenUrl option is not a valid URL"));
        }
        CompletableFuture<Bitrix24TokenPair> result = new CompletableFuture<>();
        http.execute(request, new FutureCallback<>() {
            @Override
            public void completed(SimpleHttpResponse response) {
                try {
                    result.complete(read(response, refreshToken));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            }

            @Override
            public void failed(Exception ex) {
                result.completeExceptionally(ex);
            }

            @Override
            public void cancelled() {
                result.completeExceptionally(new IOException("The token refresh was cancelled"));
            }
        });
        return result;
    }

    private Bitrix24TokenPair read(SimpleHttpResponse response, String oldRefreshToken) {
        int status = response.getCode();
        JsonNode json;
        try {
            byte[] body = response.getBodyBytes();
            json = body == null || body.length == 0 ? null : mapper.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            throw new Bitrix24Exception(status >= 500 ? Bitrix24ErrorType.SERVER_ERROR : Bitrix24ErrorType.AUTHENTICATION_FAILED,
                    null, "The token refresh got HTTP " + status + " without a JSON object", status, 0);
        }
        JsonNode accessToken = json.get("access_token");
        if (status == 200 && !json.has("error") && accessToken != null && accessToken.isTextual()
            && !accessToken.asText().isEmpty()) {
            JsonNode refreshToken = json.get("refresh_token");
            return new Bitrix24TokenPair(accessToken.asText(),
                    refreshToken != null && refreshToken.isTextual() ? refreshToken.asText() : oldRefreshToken);
        }
        String code = json.has("error") ? json.get("error").asText() : null;
        String description = json.has("error_description") ? json.get("error_description").asText()
                : "The token refresh got HTTP " + status + " without a new access token";
        throw new Bitrix24Exception(status >= 500 ? Bitrix24ErrorType.SERVER_ERROR : Bitrix24ErrorType.AUTHENTICATION_FAILED,
                code, description, status, 0);
    }
}
