package dev.camelbitrix24.component.client;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import java.security.cert.CertificateException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.Bitrix24PortalWait;
import dev.camelbitrix24.component.Bitrix24TokenPair;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delete, from its first attempt to its outcome. Sends {@code POST <method url>} with the JSON body
 * {@code {"id":N}} (plus {@code "auth"} in OAuth mode), then acts on the reply: success; a moved portal's redirect,
 * re-sent to the new address; a refused access token, refreshed once and re-sent; a retriable failure, re-sent after
 * the retry policy's delay on the scheduler (no thread waits); anything else ends the call with a typed exception.
 * <p>
 * The lost-reply rule (PROTOCOL §7): once an attempt may have run on Bitrix24 without its answer reaching us (a
 * timeout, reset or cut-short body after the request went out, or a 5xx that is not Bitrix24's own error envelope,
 * such as a gateway's page), a later {@code Activity is not found.} means the earlier attempt deleted it, so the call
 * succeeds, confirmed on retry. An error envelope from Bitrix24 itself is its answer, so the method did not run.
 */
final class DeleteCall {

    private static final Logger LOG = LoggerFactory.getLogger(DeleteCall.class);

    private final Bitrix24Client client;
    private final long id;
    private final long startNanos = System.nanoTime();
    private final CompletableFuture<DeleteResult> result = new CompletableFuture<>();

    // confined: each step runs after the previous one completed (happens-before through the executors)
    private URI target;
    // volatile: also read by abort(), from the thread that stops the endpoint
    private volatile int attempts;
    private int redirects;
    private boolean refreshed;
    /** When the latest attempt was let go. */
    private long sentNanos;
    private volatile boolean mayHaveReached;
    private int lastStatus;
    private TimeFigures lastTime;
    private final PacerWait pacerWait = new PacerWait();

    DeleteCall(Bitrix24Client client, long id, boolean mayHaveDeleted) {
        this.client = client;
        this.id = id;
        this.target = client.methodUrl;
        this.mayHaveReached = mayHaveDeleted;
    }

    CompletableFuture<DeleteResult> start() {
        send();
        return result;
    }

    private void send() {
        long now = client.clock.getAsLong();
        Bitrix24PortalWait portalWait = client.portalPause(now);
        long paused = portalWait == null ? 0 : Math.max(1, portalWait.until().toEpochMilli() - now);
        if (paused > 0 && TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + paused
                          > client.configuration.getRetryBudget()) {
            // the portal waits past this call's budget: not this request's failure, the portal's
            result.completeExceptionally(client.waiting(portalWait, attempts, mayHaveReached));
            return;
        }
        long wait = paused > 0 ? paused : client.limits.reserveRequest(System.nanoTime());
        if (wait > 0) {
            if (paused == 0) {
                pacerWait.held(System.nanoTime());
            }
            // the portal's request bucket or the method's operating time says not yet
            try {
                client.scheduler.schedule(this::send, wait, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                abort();
            }
            return;
        }
        Bitrix24TokenPair tokens = client.session == null ? null : client.session.current();
        SimpleHttpRequest request;
        try {
            request = SimpleRequestBuilder.post(target)
                    .setBody(body(tokens), ContentType.APPLICATION_JSON)
                    .build();
        } catch (JsonProcessingException e) {
            fail(Bitrix24ErrorType.INVALID_REQUEST, null, "The request body could not be written", 0, null);
            return;
        }
        attempts++;
        pacerWait.sending(client.limits, client.listener);
        LOG.debug("crm.activity.delete id={}: attempt {}", id, attempts);
        client.limits.operatingTime().sent(Bitrix24Client.METHOD, 1);
        sentNanos = System.nanoTime();
        try {
            client.http.execute(request,
                    WorkerHandoff.callback(this::onWorker, response -> onReply(response, tokens), this::onFailure));
        } catch (RuntimeException e) {
            // the client is shutting down with the endpoint
            client.limits.operatingTime().settled(Bitrix24Client.METHOD, 1);
            abort();
        }
    }

    private byte[] body(Bitrix24TokenPair tokens) throws JsonProcessingException {
        var json = client.mapper.createObjectNode().put("id", id);
        if (tokens != null) {
            json.put("auth", tokens.getAccessToken());
        }
        return client.mapper.writeValueAsBytes(json);
    }

    private void onReply(SimpleHttpResponse response, Bitrix24TokenPair tokens) {
        client.limits.operatingTime().settled(Bitrix24Client.METHOD, 1);
        int status = response.getCode();
        lastStatus = status;
        client.listener.onReply(status);
        if (status >= 300 && status < 400) {
            followRedirect(response);
            return;
        }
        ContentType contentType = response.getContentType();
        ReplyVerdict verdict = client.classifier.classify(status, response.getBodyBytes(),
                contentType == null ? null : contentType.getMimeType());
        if (verdict.type() == Bitrix24ErrorType.RATE_LIMITED) {
            client.limits.onRateLimited(System.nanoTime());
        } else if (verdict.errorCode() != null || verdict.success()) {
            client.limits.onAccepted(System.nanoTime(), sentNanos);
        } else {
            client.limits.waits().onUnanswered(client.clock.getAsLong());
        }
        if (verdict.type() == Bitrix24ErrorType.OPERATION_TIME_LIMIT) {
            client.limits.operatingTime().onRefused(Bitrix24Client.METHOD, client.clock.getAsLong(),
                    client.configuration.getOperationTimeLimitWait());
        }
        client.limits.operatingTime().record(Bitrix24Client.METHOD, verdict.time());
        if (verdict.time() != null) {
            lastTime = verdict.time();
            client.reportOperatingTime();
        }
        if (verdict.success()) {
            succeed(false);
        } else if (tokens != null && !refreshed && isTokenRefused(verdict.errorCode())) {
            refreshed = true;
            refreshAndResend(tokens, verdict);
        } else if (verdict.type() == Bitrix24ErrorType.NOT_FOUND && mayHaveReached) {
            LOG.debug("crm.activity.delete id={}: not found after an attempt that may have deleted it, confirmed", id);
            succeed(true);
        } else {
            if (verdict.httpStatus() >= 500 && verdict.errorCode() == null) {
                // not Bitrix24's answer: a gateway or a crash lost it, and the method may have run
                mayHaveReached = true;
            }
            retryOrFail(verdict.type(), verdict.errorCode(), verdict.errorDescription(), status, null);
        }
    }

    private static boolean isTokenRefused(String errorCode) {
        return "expired_token".equalsIgnoreCase(errorCode) || "invalid_token".equalsIgnoreCase(errorCode);
    }

    private void refreshAndResend(Bitrix24TokenPair stale, ReplyVerdict refusal) {
        LOG.debug("crm.activity.delete id={}: access token refused ({}), refreshing", id, refusal.errorCode());
        client.session.refreshAfter(stale).whenComplete((pair, error) -> onWorker(() -> {
            if (error == null) {
                send();
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof Bitrix24Exception refreshFailure && refreshFailure.getHttpResponseCode() == 0) {
                // no refresh was possible (no refresh token or client credentials): Bitrix24's refusal stands, the
                // cause says why it was not refreshed (not a Bitrix24Exception: Camel matches the deepest one first)
                fail(Bitrix24ErrorType.AUTHENTICATION_FAILED, refusal.errorCode(), refusal.errorDescription(),
                        refusal.httpStatus(), new IllegalStateException(refreshFailure.getErrorDescription()));
            } else if (cause instanceof Bitrix24Exception refreshFailure) {
                // the OAuth server's own answer (invalid_grant, ...)
                fail(refreshFailure.getType(), refreshFailure.getErrorCode(), refreshFailure.getErrorDescription(),
                        refreshFailure.getHttpResponseCode(), null);
            } else {
                fail(Bitrix24ErrorType.TRANSPORT_ERROR, null, "The token refresh failed: " + describe(cause), lastStatus,
                        cause);
            }
        }));
    }

    /** PROTOCOL §1: a moved portal answers a redirect; the POST is re-sent to the new address, a bounded number of times. */
    private void followRedirect(SimpleHttpResponse response) {
        int status = response.getCode();
        Header location = response.getFirstHeader("Location");
        if (location == null) {
            fail(Bitrix24ErrorType.REFUSED, null, "HTTP " + status + " without a Location header", status, null);
            return;
        }
        if (redirects >= client.configuration.getMaxRedirects()) {
            fail(Bitrix24ErrorType.REFUSED, null, "HTTP " + status + ": redirect not followed, maxRedirects="
                                                  + client.configuration.getMaxRedirects() + " reached", status, null);
            return;
        }
        URI next;
        try {
            next = Bitrix24Urls.redirectTarget(target, location.getValue(), client.configuration.isAllowInsecureHttp());
        } catch (IllegalArgumentException e) {
            fail(Bitrix24ErrorType.REFUSED, null, "HTTP " + status + ": redirect refused (" + e.getMessage() + ")", status,
                    null);
            return;
        }
        redirects++;
        LOG.debug("crm.activity.delete id={}: HTTP {}, the portal moved to host {}; re-sending there", id, status,
                next.getHost());
        target = next;
        send();
    }

    private void onFailure(Exception ex) {
        client.limits.operatingTime().settled(Bitrix24Client.METHOD, 1);
        client.limits.waits().onUnanswered(client.clock.getAsLong());
        if (isUntrustedCertificate(ex)) {
            // a trust problem does not heal within the retry budget: fail now, nothing was sent
            LOG.debug("crm.activity.delete id={}: the portal's TLS certificate is not trusted", id);
            result.completeExceptionally(new Bitrix24Exception(Bitrix24ErrorType.TRANSPORT_ERROR, null,
                    client.masker.mask("The portal's TLS certificate is not trusted: " + describe(ex)), 0, false,
                    attempts, ex));
            return;
        }
        if (!failedBeforeSending(ex)) {
            mayHaveReached = true;
        }
        retryOrFail(Bitrix24ErrorType.TRANSPORT_ERROR, null, describe(ex), 0, ex);
    }

    private static boolean isUntrustedCertificate(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof SSLPeerUnverifiedException) {
                return true;
            }
        }
        return false;
    }

    /** Failures while connecting: the request never went out, so it cannot have deleted anything. */
    private static boolean failedBeforeSending(Throwable ex) {
        return ex instanceof ConnectException || ex instanceof ConnectTimeoutException
               || ex instanceof UnknownHostException || ex instanceof NoRouteToHostException
               || ex instanceof SSLException;
    }

    private void retryOrFail(Bitrix24ErrorType type, String code, String description, int status, Throwable cause) {
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        long delay = client.retryPolicy.delayBeforeRetry(type, attempts, elapsed, client.clock.getAsLong(),
                client.limits.operatingTime().resetAt(Bitrix24Client.METHOD));
        if (delay < 0) {
            fail(type, code, description, status, cause);
            return;
        }
        LOG.debug("crm.activity.delete id={}: attempt {} failed with {} (HTTP {}, error \"{}\"), retrying in {} ms", id,
                attempts, type, status, code, delay);
        client.listener.onRetry(type, delay);
        try {
            client.scheduler.schedule(this::send, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the endpoint is stopping
            abort();
        }
    }

    /** Ends the call as the endpoint stops; a call that already ended is left as it is. */
    void abort() {
        result.completeExceptionally(client.stopped(attempts, mayHaveReached));
    }

    private void succeed(boolean confirmedOnRetry) {
        result.complete(new DeleteResult(id, attempts, confirmedOnRetry, lastStatus, lastTime));
    }

    private void fail(Bitrix24ErrorType type, String code, String description, int status, Throwable cause) {
        LOG.debug("crm.activity.delete id={}: {} after {} attempt(s)", id, type, attempts);
        // a whole call, never a command inside a batch: unanswered failures may be the portal's
        client.failure(type, code, description, status, attempts, mayHaveReached, true, startNanos, cause)
                .thenAccept(result::completeExceptionally);
    }

    private String describe(Throwable ex) {
        String message = ex.getMessage();
        return client.masker.mask(ex.getClass().getSimpleName() + (message == null ? "" : ": " + message));
    }

    private void onWorker(Runnable step) {
        WorkerHandoff.run(client.worker, step, e -> {
            // never leave the exchange waiting: an unexpected failure still ends the call, typed
            LOG.warn("crm.activity.delete id={}: unexpected {}", id, e.getClass().getName());
            fail(Bitrix24ErrorType.TRANSPORT_ERROR, null, describe(e), lastStatus, e);
        });
    }
}
