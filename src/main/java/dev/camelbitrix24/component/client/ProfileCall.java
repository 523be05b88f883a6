package dev.camelbitrix24.component.client;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24TokenPair;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;

/**
 * One call of {@code profile}, the cheapest authenticated Bitrix24 method (no scope needed), to learn whether the
 * portal answers and accepts the endpoint's credentials. No retries: a health check must cost one request, and it
 * waits for the portal's request pacer like every other request, so that it never pushes the deletes into a 503. In
 * OAuth mode a refused access token is refreshed once (the same single-flight refresh the deletes use) and sent again.
 */
final class ProfileCall {

    static final String METHOD = "profile";

    private final Bitrix24Client client;
    private final URI url;
    private final CompletableFuture<ReplyVerdict> result = new CompletableFuture<>();
    private boolean refreshed;
    private final PacerWait pacerWait = new PacerWait();

    ProfileCall(Bitrix24Client client, URI url) {
        this.client = client;
        this.url = url;
    }

    CompletableFuture<ReplyVerdict> start() {
        send();
        return result;
    }

    private void send() {
        long wait = client.limits.reserveRequest(System.nanoTime());
        if (wait > 0) {
            pacerWait.held(System.nanoTime());
            try {
                client.scheduler.schedule(this::send, wait, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                finish(new ReplyVerdict(Bitrix24ErrorType.TRANSPORT_ERROR, null,
                        "The endpoint stopped before the profile call was sent", 0, null));
            }
            return;
        }
        pacerWait.sending(client.limits, client.listener);
        Bitrix24TokenPair tokens = client.session == null ? null : client.session.current();
        ObjectNode body = client.mapper.createObjectNode();
        if (tokens != null) {
            body.put("auth", tokens.getAccessToken());
        }
        try {
            client.http.execute(SimpleRequestBuilder.post(url)
                    .setBody(client.mapper.writeValueAsBytes(body), ContentType.APPLICATION_JSON).build(),
                    new FutureCallback<>() {
                        @Override
                        public void completed(SimpleHttpResponse response) {
                            try {
                                onReply(response, tokens);
                            } catch (RuntimeException e) {
                                // never leave the check (or a probe waiting on it) without an answer
                                finish(transportError(e));
                            }
                        }

                        @Override
                        public void failed(Exception ex) {
                            finish(transportError(ex));
                        }

                        @Override
                        public void cancelled() {
                            finish(new ReplyVerdict(Bitrix24ErrorType.TRANSPORT_ERROR, null, "The profile call was cancelled",
                                    0, null));
                        }
                    });
        } catch (IOException | RuntimeException e) {
            // the endpoint is stopping, or the body could not be written
            finish(transportError(e));
        }
    }

    private void onReply(SimpleHttpResponse response, Bitrix24TokenPair tokens) {
        int status = response.getCode();
        client.listener.onReply(status);
        ReplyVerdict verdict = verdictOf(response);
        if (!verdict.success() && tokens != null && !refreshed && PortalExchange.isTokenRefused(verdict.errorCode())) {
            refreshed = true;
            client.session.refreshAfter(tokens).whenComplete((pair, error) -> {
                if (error == null) {
                    send();
                } else {
                    finish(verdict);
                }
            });
            return;
        }
        finish(verdict);
    }

    private ReplyVerdict verdictOf(SimpleHttpResponse response) {
        int status = response.getCode();
        if (status >= 300 && status < 400) {
            // the deletes follow a moved portal's redirect; a one-request probe does not
            return new ReplyVerdict(Bitrix24ErrorType.REFUSED, null,
                    "HTTP " + status + ": the portal answers with a redirect (moved?)", status, null);
        }
        if (status == 200 && isProfile(response.getBodyBytes())) {
            return new ReplyVerdict(null, null, null, status, null);
        }
        ContentType contentType = response.getContentType();
        return client.classifier.classify(status, response.getBodyBytes(), contentType == null ? null : contentType.getMimeType());
    }

    /** {@code {"result": {"ID": ..., ...}}}: the user the credentials belong to. */
    private boolean isProfile(byte[] body) {
        try {
            JsonNode json = body == null ? null : client.mapper.readTree(body);
            return json != null && !json.has("error") && json.path("result").isObject();
        } catch (IOException e) {
            return false;
        }
    }

    private ReplyVerdict transportError(Exception ex) {
        String message = ex.getMessage();
        return new ReplyVerdict(Bitrix24ErrorType.TRANSPORT_ERROR, null,
                ex.getClass().getSimpleName() + (message == null ? "" : ": " + message), 0, null);
    }

    /** Masks the endpoint's secrets out of what Bitrix24 or an I/O exception said, then completes. */
    private void finish(ReplyVerdict verdict) {
        result.complete(verdict.success() ? verdict : new ReplyVerdict(verdict.type(), client.masker.mask(verdict.errorCode()),
                client.masker.mask(verdict.errorDescription()), verdict.httpStatus(), verdict.time()));
    }
}
