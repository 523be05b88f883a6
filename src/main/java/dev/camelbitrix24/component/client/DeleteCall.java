package dev.camelbitrix24.component.client;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.core5.http.ContentType;

/**
 * One delete sent alone, from its first attempt to its outcome: {@code POST <method url>} with the JSON body
 * {@code {"id":N}}, sent when the portal's pacer and operating-time guard let it go (a portal that waits past the
 * call's retry budget ends it unsent), its reply read as the delete's answer. Everything else, redirects, token
 * refresh, retries and the lost-reply rule, is the transport path it shares with batches ({@link PortalExchange}).
 */
final class DeleteCall extends PortalExchange<PendingDelete> {

    private final PendingDelete delete;

    DeleteCall(Bitrix24Client client, PendingDelete delete) {
        super(client, List.of(delete), client.methodUrl);
        this.delete = delete;
    }

    /** Sends the first attempt when the portal lets it go. */
    void start() {
        dispatch();
    }

    @Override
    void dispatch() {
        dispatchAlone(delete);
    }

    @Override
    ObjectNode body() {
        return client.mapper.createObjectNode().put("id", delete.id);
    }

    /** The reply is the delete's own answer: its verdict is the verdict on the whole request. */
    @Override
    ReplyVerdict read(SimpleHttpResponse response) {
        ContentType contentType = response.getContentType();
        ReplyVerdict verdict = client.classifier.classify(response.getCode(), response.getBodyBytes(),
                contentType == null ? null : contentType.getMimeType());
        client.limits.operatingTime().record(method, verdict.time());
        if (verdict.time() != null) {
            delete.timed(verdict.time());
            client.reportOperatingTime(method);
        }
        return verdict;
    }

    @Override
    void resend(List<PendingDelete> again, long delayMillis) {
        schedule(this::dispatch, delayMillis, again);
    }

    @Override
    String describeRequest() {
        return "crm.activity.delete id=" + delete.id;
    }
}
