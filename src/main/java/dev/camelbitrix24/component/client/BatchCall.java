package dev.camelbitrix24.component.client;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code batch} request of up to 50 deletes (Bitrix24's limit per batch), sent with {@code halt=0} so that one command's failure
 * never stops the others. A reply that fails as a whole (503, 5xx, network, a body that is not a batch result) takes
 * the transport path every call shares ({@link PortalExchange}): retried as a whole, by the same rules as a delete sent
 * alone. A command that fails inside a 200 reply is classified on its own, by the same rules too, and retried on its
 * own through the batcher; the lost-reply rule holds per command.
 */
final class BatchCall extends PortalExchange<PendingDelete> {

    private static final Logger LOG = LoggerFactory.getLogger(BatchCall.class);
    static final String METHOD = Bitrix24Client.METHOD;

    private final DeleteBatcher batcher;

    BatchCall(Bitrix24Client client, DeleteBatcher batcher, List<PendingDelete> members, URI target) {
        super(client, members, target);
        this.batcher = batcher;
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

    /** The batcher paced this batch when it formed; a re-send after a redirect or a refresh goes at once. */
    @Override
    void dispatch() {
        send();
    }

    @Override
    ObjectNode body() {
        ObjectNode body = client.mapper.createObjectNode();
        // 0, not false: a form-encoded "false" is truthy for PHP, which reads the form
        body.put("halt", 0);
        ObjectNode cmd = body.putObject("cmd");
        for (int i = 0; i < members.size(); i++) {
            cmd.put(key(i), command(members.get(i).id));
        }
        return body;
    }

    @Override
    ReplyVerdict read(SimpleHttpResponse response) {
        int status = response.getCode();
        BatchReply reply = status == 200 ? BatchReply.read(client.mapper, response.getBodyBytes()) : null;
        if (reply != null) {
            onCommands(reply, status);
            return null;
        }
        ContentType contentType = response.getContentType();
        ReplyVerdict verdict = client.classifier.classify(status, response.getBodyBytes(),
                contentType == null ? null : contentType.getMimeType());
        if (verdict.success()) {
            // {"result": true} is a delete's answer, not a batch's
            return new ReplyVerdict(Bitrix24ErrorType.SERVER_ERROR, null, "HTTP 200 without a batch result", status,
                    verdict.time());
        }
        return verdict;
    }

    /** A 200 batch reply: each member gets its own answer from {@code result}, {@code result_error}, {@code result_time}. */
    private void onCommands(BatchReply reply, int status) {
        for (int i = 0; i < members.size(); i++) {
            client.limits.operatingTime().record(METHOD, reply.time(key(i)));
        }
        client.reportOperatingTime(METHOD);
        for (int i = 0; i < members.size(); i++) {
            PendingDelete member = members.get(i);
            String key = key(i);
            TimeFigures time = reply.time(key);
            member.timed(time);
            BatchReply.CommandError error = reply.error(key);
            if (error != null) {
                int alone = ReplyClassifier.statusWhenAlone(error.code());
                Bitrix24ErrorType type = ReplyClassifier.typeOf(error.code(), error.description(), alone);
                ReplyVerdict verdict = new ReplyVerdict(type, error.code(), error.description(), alone, time);
                if (type == Bitrix24ErrorType.OPERATION_TIME_LIMIT) {
                    client.limits.operatingTime().onRefused(METHOD, client.clock.getAsLong(),
                            client.configuration.getOperationTimeLimitWait());
                }
                if (verdict.methodMayHaveRun()) {
                    member.mayHaveReached = true;
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

    /** A command failed inside an answered batch: retried on its own, in a later batch, or ended. */
    private void retryOneOrFail(PendingDelete member, Bitrix24ErrorType type, String code, String description, int status) {
        long delay = client.retryPolicy.delayBeforeRetry(type, member.attempts, member.elapsedMillis(),
                client.clock.getAsLong(), client.limits.operatingTime().resetAt(METHOD));
        if (delay < 0) {
            // the portal answered the batch: never a portal-wide wait for being unanswered
            member.fail(client, type, code, description, status, null, false);
            return;
        }
        LOG.debug("crm.activity.delete id={}: command failed with {} (error \"{}\"), retrying in {} ms", member.id, type,
                code, delay);
        client.listener.onRetry(type, delay);
        schedule(() -> batcher.submit(member), delay, List.of(member));
    }

    /** Failed as a whole: sent again as it is (fewer the members out of attempts or time), ahead of new batches. */
    @Override
    void resend(List<PendingDelete> again, long delayMillis) {
        schedule(() -> batcher.resend(again), delayMillis, again);
    }

    @Override
    String describeRequest() {
        return "batch of " + members.size() + " deletes";
    }
}
