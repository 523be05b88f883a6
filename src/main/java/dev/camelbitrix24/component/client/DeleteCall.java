package dev.camelbitrix24.component.client;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelbitrix24.component.Bitrix24PortalWait;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.core5.http.ContentType;

/**
 * One delete sent alone, from its first attempt to its outcome: {@code POST <method url>} with the JSON body
 * {@code {"id":N}}, sent when the portal's pacer and operating-time guard let it go (a portal that waits past the
 * call's retry budget ends it unsent), its reply read as the delete's answer. Everything else, redirects, token
 * refresh, retries and the lost-reply rule, is the transport path it shares with batches ({@link PortalExchange}).
 */
final class DeleteCall extends PortalExchange {

    private final PendingDelete delete;
    private final PacerWait pacerWait = new PacerWait();

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
        long now = client.clock.getAsLong();
        Bitrix24PortalWait portalWait = client.portalPause(now);
        long paused = portalWait == null ? 0 : Math.max(1, portalWait.until().toEpochMilli() - now);
        if (paused > 0 && delete.elapsedMillis() + paused > client.configuration.getRetryBudget()) {
            // the portal waits past this call's budget: not this request's failure, the portal's
            delete.waitFor(client, portalWait);
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
        client.limits.operatingTime().record(Bitrix24Client.METHOD, verdict.time());
        if (verdict.time() != null) {
            delete.timed(verdict.time());
            client.reportOperatingTime();
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
