package dev.camelbitrix24.component.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.Bitrix24PortalWait;
import dev.camelbitrix24.component.Bitrix24TokenPair;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP request to the portal on behalf of one or more deletes: the transport path that a delete sent alone
 * ({@link DeleteCall}) and a {@code batch} of them ({@link BatchCall}) share, so that they fail and retry alike.
 * It sends {@code POST <target>} with the JSON body and the access token, follows a moved portal's redirect, refreshes
 * a refused access token once and sends again, keeps the portal's limits informed, and types what goes wrong with the
 * request as a whole: an untrusted TLS certificate (final, nothing was sent), a network failure, a failed refresh, a
 * reply that is not the method's answer. Subclasses build the body and read the answer of each delete.
 * <p>
 * The lost-reply rule lives here too: once an attempt may have run on Bitrix24 without its answer
 * reaching us ({@link #failedBeforeSending} says which network failures cannot have, {@link ReplyVerdict#methodMayHaveRun}
 * which replies can have), each delete of it is marked, and a later {@code Activity is not found.} for it means the
 * earlier attempt deleted it: deleted, confirmed on retry.
 */
abstract class PortalExchange<M extends PendingCall<?>> {

    private static final Logger LOG = LoggerFactory.getLogger(PortalExchange.class);

    final Bitrix24Client client;
    final List<M> members;
    /** The method of every call it carries, whose operating-time window they spend. */
    final String method;
    private final PacerWait pacerWait = new PacerWait();
    // confined: each step runs after the previous one completed (happens-before through the executors)
    private URI target;
    private int redirects;
    private boolean refreshed;
    /** When the latest attempt was let go. */
    private long sentNanos;

    PortalExchange(Bitrix24Client client, List<M> members, URI target) {
        this.client = client;
        this.members = members;
        this.method = members.get(0).method;
        this.target = target;
    }

    /** The request body without credentials; {@code auth} is added in OAuth mode. */
    abstract ObjectNode body();

    /**
     * Reads a reply that is not a redirect: settles each delete the reply answers and returns null, or returns the
     * verdict on the request as a whole, which this class acts on for every delete of it.
     */
    abstract ReplyVerdict read(SimpleHttpResponse response);

    /** Sends this request when the portal lets it: after a redirect or a refreshed token. */
    abstract void dispatch();

    /** Sends {@code again}, calls of this request that failed as a whole, after {@code delayMillis}. */
    abstract void resend(List<M> again, long delayMillis);

    /** For log lines: which deletes this request carries. */
    abstract String describeRequest();

    /**
     * Sends a request of one call when the portal lets it go: its request bucket (the pacer) and the method's
     * operating time; a portal that waits past the call's retry budget ends it unsent, as a portal-wide wait.
     */
    final void dispatchAlone(M call) {
        long now = client.clock.getAsLong();
        Bitrix24PortalWait portalWait = client.portalPause(method, now);
        long paused = portalWait == null ? 0 : Math.max(1, portalWait.until().toEpochMilli() - now);
        if (paused > 0 && call.elapsedMillis() + paused > client.configuration.getRetryBudget()) {
            // the portal waits past this call's budget: not this request's failure, the portal's
            call.waitFor(client, portalWait);
            return;
        }
        long wait = paused > 0 ? paused : client.limits.reserveRequest(System.nanoTime());
        if (wait > 0) {
            if (paused == 0) {
                pacerWait.held(System.nanoTime());
            }
            // the portal's request bucket or the method's operating time says not yet
            schedule(this::dispatch, wait, members);
            return;
        }
        pacerWait.sending(client.limits, client.listener);
        send();
    }

    /** Sends one attempt now. */
    final void send() {
        Bitrix24TokenPair tokens = client.session == null ? null : client.session.current();
        byte[] bytes;
        try {
            ObjectNode body = body();
            if (tokens != null) {
                body.put("auth", tokens.getAccessToken());
            }
            bytes = client.mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            failAll(Bitrix24ErrorType.INVALID_REQUEST, null, "The request body could not be written", 0, null);
            return;
        }
        for (M member : members) {
            member.attempts++;
        }
        LOG.debug("{}: attempt {}", describeRequest(), members.get(0).attempts);
        client.limits.operatingTime().sent(method, members.size());
        sentNanos = System.nanoTime();
        try {
            client.http.execute(SimpleRequestBuilder.post(target).setBody(bytes, ContentType.APPLICATION_JSON).build(),
                    WorkerHandoff.callback(this::onWorker, response -> onReply(response, tokens), this::onFailure));
        } catch (RuntimeException e) {
            // the client is shutting down with the endpoint
            client.limits.operatingTime().settled(method, members.size());
            abortAll();
        }
    }

    private void onReply(SimpleHttpResponse response, Bitrix24TokenPair tokens) {
        client.limits.operatingTime().settled(method, members.size());
        int status = response.getCode();
        client.listener.onReply(status);
        if (status >= 300 && status < 400) {
            followRedirect(response);
            return;
        }
        ReplyVerdict verdict = read(response);
        if (verdict == null) {
            client.limits.onAccepted(System.nanoTime(), sentNanos);
            return;
        }
        if (verdict.type() == Bitrix24ErrorType.RATE_LIMITED) {
            client.limits.onRateLimited(System.nanoTime());
        } else if (verdict.errorCode() != null || verdict.success()) {
            client.limits.onAccepted(System.nanoTime(), sentNanos);
        } else {
            client.limits.waits().onUnanswered(client.clock.getAsLong());
        }
        if (verdict.type() == Bitrix24ErrorType.OPERATION_TIME_LIMIT) {
            client.limits.operatingTime().onRefused(method, client.clock.getAsLong(),
                    client.configuration.getOperationTimeLimitWait());
        }
        if (verdict.success()) {
            members.forEach(m -> m.succeed(false, status, verdict.time()));
        } else if (tokens != null && !refreshed && isTokenRefused(verdict.errorCode())) {
            refreshed = true;
            refreshAndResend(tokens, verdict);
        } else {
            settle(verdict);
        }
    }

    /** A failed verdict on the whole request: confirms what an earlier lost attempt deleted, retries or fails the rest. */
    private void settle(ReplyVerdict verdict) {
        if (verdict.methodMayHaveRun()) {
            // not Bitrix24's answer, or one sent after the method ran: every delete of it may be done
            members.forEach(m -> m.mayHaveReached = true);
        }
        List<M> left = new ArrayList<>(members.size());
        for (M member : members) {
            if (verdict.type() == Bitrix24ErrorType.NOT_FOUND && member.mayHaveReached) {
                LOG.debug("{}: not found after an attempt that may have deleted it, confirmed", describeRequest());
                member.succeed(true, verdict.httpStatus(), verdict.time());
            } else {
                left.add(member);
            }
        }
        retryOrFail(left, verdict.type(), verdict.errorCode(), verdict.errorDescription(), verdict.httpStatus(), null);
    }

    /** Whether Bitrix24 refused the access token (expired or unknown): a refresh may cure it. */
    static boolean isTokenRefused(String errorCode) {
        return "expired_token".equalsIgnoreCase(errorCode) || "invalid_token".equalsIgnoreCase(errorCode);
    }

    /**
     * Refreshes the refused access token (single-flight, in the session) and sends again. A refresh that could not be
     * made (no refresh token or client credentials) leaves Bitrix24's refusal standing; the OAuth server's refusal
     * ({@code invalid_grant}, ...) is final; a refresh that failed on the network or with the OAuth server's 5xx is a
     * transient failure of this call, retried with backoff like any other, and the retry may refresh again.
     */
    private void refreshAndResend(Bitrix24TokenPair stale, ReplyVerdict refusal) {
        LOG.debug("{}: access token refused ({}), refreshing", describeRequest(), refusal.errorCode());
        client.session.refreshAfter(stale).whenComplete((pair, error) -> onWorker(() -> {
            if (error == null) {
                dispatch();
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof Bitrix24Exception refreshFailure && refreshFailure.getHttpResponseCode() == 0) {
                // the cause says why it was not refreshed (not a Bitrix24Exception: Camel matches the deepest one first)
                failAll(Bitrix24ErrorType.AUTHENTICATION_FAILED, refusal.errorCode(), refusal.errorDescription(),
                        refusal.httpStatus(), new IllegalStateException(refreshFailure.getErrorDescription()));
                return;
            }
            // no new token came: the next attempt meets the refusal again and may refresh again
            refreshed = false;
            if (cause instanceof Bitrix24Exception refreshFailure) {
                // the OAuth server's own answer: invalid_grant is final, a 5xx is retried
                retryOrFail(members, refreshFailure.getType(), refreshFailure.getErrorCode(),
                        refreshFailure.getErrorDescription(), refreshFailure.getHttpResponseCode(), null);
            } else {
                retryOrFail(members, Bitrix24ErrorType.TRANSPORT_ERROR, null, "The token refresh failed: " + describe(cause),
                        refusal.httpStatus(), cause);
            }
        }));
    }

    /** A portal whose address changed answers a redirect; the request is re-sent to the new address, a bounded number of times. */
    private void followRedirect(SimpleHttpResponse response) {
        int status = response.getCode();
        Header location = response.getFirstHeader("Location");
        if (location == null) {
            failAll(Bitrix24ErrorType.REFUSED, null, "HTTP " + status + " without a Location header", status, null);
            return;
        }
        if (redirects >= client.configuration.getMaxRedirects()) {
            failAll(Bitrix24ErrorType.REFUSED, null, "HTTP " + status + ": redirect not followed, maxRedirects="
                                                     + client.configuration.getMaxRedirects() + " reached", status, null);
            return;
        }
        URI next;
        try {
            next = Bitrix24Urls.redirectTarget(target, location.getValue(), client.configuration.isAllowInsecureHttp());
        } catch (IllegalArgumentException e) {
            failAll(Bitrix24ErrorType.REFUSED, null, "HTTP " + status + ": redirect refused (" + e.getMessage() + ")",
                    status, null);
            return;
        }
        redirects++;
        LOG.debug("{}: HTTP {}, the portal moved to host {}; re-sending there", describeRequest(), status, next.getHost());
        target = next;
        dispatch();
    }

    private void onFailure(Exception ex) {
        client.limits.operatingTime().settled(method, members.size());
        client.limits.waits().onUnanswered(client.clock.getAsLong());
        if (isUntrustedCertificate(ex)) {
            // a configuration failure: it does not heal within a retry budget, and it is not the portal being down
            LOG.debug("{}: the portal's TLS certificate is not trusted", describeRequest());
            String description = client.masker.mask("The portal's TLS certificate is not trusted: " + describe(ex));
            for (M member : members) {
                member.result.completeExceptionally(new Bitrix24Exception(Bitrix24ErrorType.TRANSPORT_ERROR, null,
                        description, 0, false, member.attempts, member.mayHaveReached, ex));
            }
            return;
        }
        if (!failedBeforeSending(ex)) {
            members.forEach(m -> m.mayHaveReached = true);
        }
        retryOrFail(members, Bitrix24ErrorType.TRANSPORT_ERROR, null, describe(ex), 0, ex);
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

    /**
     * The request failed as a whole: each delete still within its attempts and budget is sent again, together, after
     * the longest of their delays; the others end with this failure.
     */
    final void retryOrFail(List<M> who, Bitrix24ErrorType type, String code, String description, int status,
                           Throwable cause) {
        Long resetAt = client.limits.operatingTime().resetAt(method);
        long now = client.clock.getAsLong();
        List<M> again = new ArrayList<>(who.size());
        long delay = RetryPolicy.NO_RETRY;
        for (M member : who) {
            long own = client.retryPolicy.delayBeforeRetry(type, member.attempts, member.elapsedMillis(), now, resetAt);
            if (own < 0) {
                member.fail(client, type, code, description, status, cause, true);
            } else {
                again.add(member);
                delay = Math.max(delay, own);
            }
        }
        if (again.isEmpty()) {
            return;
        }
        LOG.debug("{}: failed with {} (HTTP {}, error \"{}\"), retrying {} in {} ms", describeRequest(), type, status,
                code, again.size(), delay);
        long retryIn = delay;
        again.forEach(member -> client.listener.onRetry(type, retryIn));
        resend(again, delay);
    }

    /** Runs {@code step} on the scheduler after {@code delayMillis}; ends {@code who} when the endpoint is stopping. */
    final void schedule(Runnable step, long delayMillis, List<? extends PendingCall<?>> who) {
        try {
            client.scheduler.schedule(step, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            who.forEach(m -> m.abort(client));
        }
    }

    final void failAll(Bitrix24ErrorType type, String code, String description, int status, Throwable cause) {
        members.forEach(m -> m.fail(client, type, code, description, status, cause, true));
    }

    final void abortAll() {
        members.forEach(m -> m.abort(client));
    }

    final String describe(Throwable ex) {
        String message = ex.getMessage();
        return client.masker.mask(ex.getClass().getSimpleName() + (message == null ? "" : ": " + message));
    }

    private void onWorker(Runnable step) {
        WorkerHandoff.run(client.worker, step, e -> {
            // never leave an exchange waiting: an unexpected failure still ends every delete, typed
            LOG.warn("{}: unexpected {}", describeRequest(), e.getClass().getName());
            failAll(Bitrix24ErrorType.TRANSPORT_ERROR, null, describe(e), 0, e);
        });
    }
}
