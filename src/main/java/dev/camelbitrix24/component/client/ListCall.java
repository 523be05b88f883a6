package dev.camelbitrix24.component.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.core5.http.ContentType;

/**
 * One page of {@code crm.activity.list} in keyset paging (PROTOCOL §8): {@code POST <list url>} with
 * {@code {"filter":{..., ">ID": cursor}, "order":{"ID":"ASC"}, "select":["ID"], "start":-1}}, so that the portal
 * neither counts the matches nor skips rows that deletes shifted, sent when the portal's pacer and the list method's
 * operating time let it go. Everything else, redirects, token refresh, retries and failure types, is the transport
 * path deletes take ({@link PortalExchange}). Listing deletes nothing, so a reply lost on the way is simply asked for
 * again. A page that is not ids in ascending order after the cursor is not believed: it would page for ever.
 */
final class ListCall extends PortalExchange<PendingList> {

    private final PendingList list;

    ListCall(Bitrix24Client client, PendingList list) {
        super(client, List.of(list), client.methodUrl.resolve(Bitrix24Client.LIST_METHOD + ".json"));
        this.list = list;
    }

    void start() {
        dispatch();
    }

    @Override
    void dispatch() {
        dispatchAlone(list);
    }

    @Override
    ObjectNode body() {
        ObjectNode body = client.mapper.createObjectNode();
        body.set("filter", list.filter);
        body.putObject("order").put("ID", "ASC");
        body.putArray("select").add("ID");
        // no count and no next: the cursor in the filter moves on
        body.put("start", -1);
        return body;
    }

    @Override
    ReplyVerdict read(SimpleHttpResponse response) {
        int status = response.getCode();
        JsonNode json = status == 200 ? parse(response.getBodyBytes()) : null;
        if (json != null && json.isObject() && !json.has("error") && json.path("result").isArray()) {
            TimeFigures time = TimeFigures.of(json);
            client.limits.operatingTime().record(method, time);
            if (time != null) {
                list.timed(time);
                client.reportOperatingTime(method);
            }
            List<Long> ids = ids(json.get("result"));
            if (ids == null) {
                return new ReplyVerdict(Bitrix24ErrorType.REFUSED, null, "HTTP 200 with a page that is not ids in "
                        + "ascending order after " + list.afterId + ": the filter's cursor was not applied", status, time);
            }
            boolean more = ids.size() >= ListPage.SIZE;
            list.listed(new ListPage(List.copyOf(ids), ids.isEmpty() ? list.afterId : ids.get(ids.size() - 1), more,
                    list.attempts, status, time != null ? time : list.lastTime()));
            return null;
        }
        ContentType contentType = response.getContentType();
        ReplyVerdict verdict = client.classifier.classify(status, response.getBodyBytes(),
                contentType == null ? null : contentType.getMimeType());
        client.limits.operatingTime().record(method, verdict.time());
        if (verdict.success()) {
            // {"result": true} is a delete's answer, not a list's
            return new ReplyVerdict(Bitrix24ErrorType.SERVER_ERROR, null, "HTTP 200 without a list result", status,
                    verdict.time());
        }
        return verdict;
    }

    /** The rows' ids, or null when a row has none, or they are not ascending after the cursor. */
    private List<Long> ids(JsonNode rows) {
        List<Long> ids = new ArrayList<>(rows.size());
        long previous = list.afterId;
        for (JsonNode row : rows) {
            JsonNode id = row.path("ID");
            long value = id.isIntegralNumber() ? id.asLong()
                    : id.isTextual() && id.textValue().matches("[0-9]{1,18}") ? Long.parseLong(id.textValue()) : -1;
            if (value <= previous) {
                return null;
            }
            ids.add(value);
            previous = value;
        }
        return ids;
    }

    private JsonNode parse(byte[] body) {
        try {
            return body == null || body.length == 0 ? null : client.mapper.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    void resend(List<PendingList> again, long delayMillis) {
        schedule(this::dispatch, delayMillis, again);
    }

    @Override
    String describeRequest() {
        return "crm.activity.list after ID " + list.afterId;
    }
}
