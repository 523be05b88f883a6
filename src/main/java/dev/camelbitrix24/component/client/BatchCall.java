package dev.camelbitrix24.component.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.Bitrix24TokenPair;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code batch} request of up to 50 deletes (PROTOCOL §5), sent with {@code halt=0} so that one command's failure
 * never stops the others. A reply that fails as a whole (503, 5xx, network, a body that is not a batch result) is
 * retried as a whole under the retry policy; a command that fails inside a 200 reply is classified on its own, by the
 * same rules as a delete sent alone, and retried on its own through the batcher. The lost-reply rule holds per
 * command: a command that may have run in an attempt whose answer was lost, and later reports
 * {@code Activity is not found.}, is deleted, confirmed on retry.
 */
final class BatchCall {

    private static final Logger LOG = LoggerFactory.getLogger(BatchCall.class);
    static final String METHOD = "crm.activity.delete";

    private final Bitrix24Client client;
    private final DeleteBatcher batcher;
    private final List<PendingDelete> members;
    private URI target;
    private int redirects;
    private boolean refreshed;
    /** When the latest attempt was let go. */
    private long sentNanos;

    BatchCall(Bitrix24Client client, DeleteBatcher batcher, List<PendingDelete> members, URI target) {
        this.client = client;
        this.batcher = batcher;
        this.members = members;
        this.target = target;
    }

    /**
     * The command string of one delete. The id is a positive long, so it can carry neither {@code &}, {@code #} nor
     * {@code $result[..]}; it is URL-encoded all the same, so that the command stays one parameter whatever changes.
     */
    static String command(long id) {
        if (id <= 0) {
            throw new IllegalArgumentException("activity id must be positive");
        }
        return METHOD + "?id=" + URLEncoder.encode(Long.toString(id), StandardCharsets.UTF_8);
    }

    /** The command key of member {@code index}; keys are ours, so a reply is matched to its exchange by key alone. */
    private static String key(int index) {
        return "d" + index;
    }

    void send() {
        Bitrix24TokenPair tokens = client.session == null ? null : client.session.current();
        ObjectNode body = client.mapper.createObjectNode();
        // 0, not false: a form-encoded "false" is truthy for PHP (§5)
        body.put("halt", 0);
        ObjectNode cmd = body.putObject("cmd");
        for (int i = 0; i < members.size(); i++) {
            cmd.put(key(i), command(members.get(i).id));
        }
        if (tokens != null) {
            body.put("auth", tokens.getAccessToken());
        }
        byte[] bytes;
        try {
            bytes = client.mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            failAll(Bitrix24ErrorType.INVALID_REQUEST, null, "The request body could not be written", 0, null);
            return;
        }
        for (PendingDelete member : members) {
            member.attempts++;
        }
        LOG.debug("batch of {} deletes: sending", members.size());
        client.limits.operatingTime().sent(METHOD, members.size());
        sentNanos = System.nanoTime();
        try {
            client.http.execute(SimpleRequestBuilder.post(target).setBody(bytes, ContentType.APPLICATION_JSON).build(),
                    WorkerHandoff.callback(this::onWorker, response -> onReply(response, tokens), this::onFailure));
        } catch (RuntimeException e) {
            // the client is shutting down with the endpoint
            client.limits.operatingTime().settled(METHOD, members.size());
            members.forEach(m -> m.abort(client));
        }
    }

    private void onReply(SimpleHttpResponse response, Bitrix24TokenPair tokens) {
        client.limits.operatingTime().settled(METHOD, members.size());
        int status = response.getCode();
        client.listener.onReply(status);
        if (status >= 300 && status < 400) {
            followRedirect(response);
            return;
        }
        BatchReply reply = status == 200 ? BatchReply.read(client.mapper, response.getBodyBytes()) : null;
        if (reply != null) {
            client.limits.onAccepted(System.nanoTime(), sentNanos);
            onCommands(reply, status);
            return;
        }
        ContentType contentType = response.getContentType();
        ReplyVerdict verdict = client.classifier.classify(status, response.getBodyBytes(),
                contentType == null ? null : contentType.getMimeType());
        if (verdict.success()) {
            // {"result": true} is a delete's answer, not a batch's
            verdict = new ReplyVerdict(Bitrix24ErrorType.SERVER_ERROR, null, "HTTP 200 without a batch result", status,
                    verdict.time());
        }
        if (tokens != null && !refreshed && isTokenRefused(verdict.errorCode())) {
            refreshed = true;
            refreshAndResend(tokens, verdict);
            return;
        }
        if (verdict.type() == Bitrix24ErrorType.RATE_LIMITED) {
            client.limits.onRateLimited(System.nanoTime());
        } else if (verdict.errorCode() != null) {
            client.limits.waits().onAnswered(System.nanoTime());
        }
        if (verdict.type() == Bitrix24ErrorType.OPERATION_TIME_LIMIT) {
            client.limits.operatingTime().onRefused(METHOD, client.clock.getAsLong(),
                    client.configuration.getOperationTimeLimitWait());
        }
        if (verdict.httpStatus() >= 500 && verdict.errorCode() == null) {
            // not Bitrix24's answer: a gateway or a crash lost it, and every command may have run
            members.forEach(m -> m.mayHaveReached = true);
            client.limits.waits().onUnanswered(client.clock.getAsLong());
        }
        retryAllOrFail(verdict.type(), verdict.errorCode(), verdict.errorDescription(), status, null);
    }

    /** A 200 batch reply: each member gets its own answer from {@code result}, {@code result_error}, {@code result_time}. */
    private void onCommands(BatchReply reply, int status) {
        for (int i = 0; i < members.size(); i++) {
            client.limits.operatingTime().record(METHOD, reply.time(key(i)));
        }
        client.reportOperatingTime();
        for (int i = 0; i < members.size(); i++) {
            PendingDelete member = members.get(i);
            String key = key(i);
            TimeFigures time = reply.time(key);
            BatchReply.CommandError error = reply.error(key);
            if (error != null) {
                int alone = ReplyClassifier.statusWhenAlone(error.code());
                Bitrix24ErrorType type = ReplyClassifier.typeOf(error.code(), error.description(), alone);
                if (type == Bitrix24ErrorType.OPERATION_TIME_LIMIT) {
                    client.limits.operatingTime().onRefused(METHOD, client.clock.getAsLong(),
                            client.configuration.getOperationTimeLimitWait());
                }
                if (type == Bitrix24ErrorType.NOT_FOUND && member.mayHaveReached) {
                    LOG.debug("crm.activity.delete id={}: not found after an attempt that may have deleted it, confirmed",
                            member.id);
                    member.succeed(true, alone, time);
                } else {
                    retryOneOrFail(member, type, error.code(), error.description(), alone);
                }
            } else if (reply.succeeded(key)) {
                member.succeed(false, status, time);
            } else {
                // neither an answer nor an error for this command: it may or may not have run
                member.mayHaveReached = true;
                retryOneOrFail(member, Bitrix24ErrorType.SERVER_ERROR, null,
                        "HTTP 200 batch reply without a result for the command", status);
            }
        }
    }

    private void retryOneOrFail(PendingDelete member, Bitrix24ErrorType type, String code, String description, int status) {
        long delay = client.retryPolicy.delayBeforeRetry(type, member.attempts, member.elapsedMillis(),
                client.clock.getAsLong(), client.limits.operatingTime().resetAt(METHOD));
        if (delay < 0) {
            member.fail(client, type, code, description, status, null, false);
            return;
        }
        LOG.debug("crm.activity.delete id={}: command failed with {} (error \"{}\"), retrying in {} ms", member.id, type,
                code, delay);
        client.listener.onRetry(type, delay);
        schedule(() -> batcher.submit(member), delay, () -> member.abort(client));
    }

    /** The batch failed as a whole: retried as a whole after one delay, minus the members out of attempts or time. */
    private void retryAllOrFail(Bitrix24ErrorType type, String code, String description, int status, Throwable cause) {
        int attempts = members.stream().mapToInt(m -> m.attempts).max().orElse(0);
        long elapsed = members.stream().mapToLong(PendingDelete::elapsedMillis).max().orElse(0);
        Long resetAt = client.limits.operatingTime().resetAt(METHOD);
        long delay = client.retryPolicy.delayBeforeRetry(type, attempts, elapsed, client.clock.getAsLong(), resetAt);
        List<PendingDelete> again = new ArrayList<>();
        for (PendingDelete member : members) {
            if (delay >= 0 && client.retryPolicy.delayBeforeRetry(type, member.attempts, member.elapsedMillis() + delay,
                    client.clock.getAsLong(), resetAt) >= 0) {
                again.add(member);
            } else {
                member.fail(client, type, code, description, status, cause, true);
            }
        }
        if (again.isEmpty()) {
            return;
        }
        LOG.debug("batch of {} deletes failed with {} (HTTP {}, error \"{}\"), retrying {} in {} ms", members.size(), type,
                status, code, again.size(), delay);
        again.forEach(member -> client.listener.onRetry(type, delay));
        schedule(() -> batcher.resend(again), delay, () -> again.forEach(m -> m.abort(client)));
    }

    private void schedule(Runnable retry, long delay, Runnable onRejected) {
        try {
            client.scheduler.schedule(retry, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the endpoint is stopping
            onRejected.run();
        }
    }

    private static boolean isTokenRefused(String errorCode) {
        return "expired_token".equalsIgnoreCase(errorCode) || "invalid_token".equalsIgnoreCase(errorCode);
    }

    private void refreshAndResend(Bitrix24TokenPair stale, ReplyVerdict refusal) {
        client.session.refreshAfter(stale).whenComplete((pair, error) -> onWorker(() -> {
            if (error == null) {
                send();
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof Bitrix24Exception refreshFailure && refreshFailure.getHttpResponseCode() != 0) {
                failAll(refreshFailure.getType(), refreshFailure.getErrorCode(), refreshFailure.getErrorDescription(),
                        refreshFailure.getHttpResponseCode(), null);
            } else {
                failAll(Bitrix24ErrorType.AUTHENTICATION_FAILED, refusal.errorCode(), refusal.errorDescription(),
                        refusal.httpStatus(), null);
            }
        }));
    }

    /** PROTOCOL §1: a moved portal answers a redirect; the batch is re-sent to the new address, a bounded number of times. */
    private void followRedirect(SimpleHttpResponse response) {
        int status = response.getCode();
        Header location = response.getFirstHeader("Location");
        if (location == null || redirects >= client.configuration.getMaxRedirects()) {
            failAll(Bitrix24ErrorType.REFUSED, null, "HTTP " + status + ": redirect not followed", status, null);
            return;
        }
        URI next;
        try {
            next = Bitrix24Urls.redirectTarget(target, location.getValue(), client.configuration.isAllowInsecureHttp());
        } catch (IllegalArgumentException e) {
            failAll(Bitrix24ErrorType.REFUSED, null, "HTTP " + status + ": redirect refused (" + e.getMessage() + ")", status,
                    null);
            return;
        }
        redirects++;
        target = next;
        send();
    }

    private void onFailure(Exception ex) {
        client.limits.operatingTime().settled(METHOD, members.size());
        client.limits.waits().onUnanswered(client.clock.getAsLong());
        if (!failedBeforeSending(ex)) {
            members.forEach(m -> m.mayHaveReached = true);
        }
        retryAllOrFail(Bitrix24ErrorType.TRANSPORT_ERROR, null, describe(ex), 0, ex);
    }

    private static boolean failedBeforeSending(Throwable ex) {
        return ex instanceof ConnectException || ex instanceof ConnectTimeoutException
               || ex instanceof UnknownHostException || ex instanceof NoRouteToHostException
               || ex instanceof SSLException;
    }

    private void failAll(Bitrix24ErrorType type, String code, String description, int status, Throwable cause) {
        members.forEach(m -> m.fail(client, type, code, description, status, cause, false));
    }

    private String describe(Throwable ex) {
        String message = ex.getMessage();
        return client.masker.mask(ex.getClass().getSimpleName() + (message == null ? "" : ": " + message));
    }

    private void onWorker(Runnable step) {
        WorkerHandoff.run(client.worker, step, e -> {
            // never leave an exchange waiting: an unexpected failure still ends every call, typed
            LOG.warn("batch of {} deletes: unexpected {}", members.size(), e.getClass().getName());
            failAll(Bitrix24ErrorType.TRANSPORT_ERROR, null, describe(e), 0, e);
        });
    }
}
