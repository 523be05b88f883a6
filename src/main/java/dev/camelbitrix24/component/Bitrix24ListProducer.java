package dev.camelbitrix24.component;


import dev.camelbitrix24.component.client.Bitrix24Client;
import dev.camelbitrix24.component.client.ListPage;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * {@code bitrix24:crm.activity.list}: lists one page of the ids of the activities a filter selects, in keyset paging,
 * without blocking the caller's thread. The body is the filter ({@link ActivityFilter}: a Map or a JSON object),
 * checked before anything is sent; {@link Bitrix24Constants#LIST_AFTER_ID} is the cursor (0, or absent, for the first
 * page). On success the body becomes the page's ids ({@code List<Long>}, ascending, at most 50), and
 * {@link Bitrix24Constants#LIST_AFTER_ID_NEXT} and {@link Bitrix24Constants#LIST_MORE} say where the next page starts
 * and whether there may be one. On failure the exchange gets a {@link Bitrix24Exception} with the same outcome headers
 * as a delete's ({@link Bitrix24RetryLaterException} when the portal waits).
 */
public class Bitrix24ListProducer extends DefaultAsyncProducer {

    /** The value of {@link Bitrix24Constants#OUTCOME} on success. */
    public static final String LISTED = "LISTED";

    public Bitrix24ListProducer(Bitrix24Endpoint endpoint) {
        super(endpoint);
    }

    @Override
    public Bitrix24Endpoint getEndpoint() {
        return (Bitrix24Endpoint) super.getEndpoint();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        ActivityFilter filter;
        long afterId;
        try {
            filter = ActivityFilter.of(exchange.getMessage().getBody());
            afterId = afterId(exchange.getMessage());
        } catch (Bitrix24Exception invalid) {
            Bitrix24Producer.failed(exchange, invalid);
            callback.done(true);
            return true;
        }
        Bitrix24Client client = getEndpoint().getClient();
        if (client == null) {
            return Bitrix24Producer.notStarted(exchange, callback);
        }
        return Bitrix24Producer.completeWith(exchange, callback, client.listActivityIds(filter.after(afterId), afterId),
                Bitrix24ListProducer::listed);
    }

    private static long afterId(Message message) {
        Object value = message.getHeader(Bitrix24Constants.LIST_AFTER_ID);
        if (value == null) {
            return 0;
        }
        Long id = value instanceof Number number && !(value instanceof Double || value instanceof Float)
                ? Long.valueOf(number.longValue()) : null;
        if (id == null && value instanceof CharSequence text && text.toString().matches("[0-9]{1,18}")) {
            id = Long.parseLong(text.toString());
        }
        if (id == null || id < 0) {
            throw new Bitrix24Exception(Bitrix24ErrorType.INVALID_REQUEST, null, Bitrix24Constants.LIST_AFTER_ID
                    + " must be a whole number, 0 or more", 0, false, 0, null);
        }
        return id;
    }

    private static void listed(Exchange exchange, ListPage page) {
        Message message = exchange.getMessage();
        message.setHeader(Bitrix24Constants.OUTCOME, LISTED);
        message.setHeader(Bitrix24Constants.ATTEMPTS, page.attempts());
        message.setHeader(Bitrix24Constants.HTTP_STATUS, page.httpStatus());
        message.setHeader(Bitrix24Constants.LIST_AFTER_ID_NEXT, page.lastId());
        message.setHeader(Bitrix24Constants.LIST_MORE, page.more());
        Bitrix24Producer.clearFailureHeaders(message);
        Bitrix24Producer.timeHeaders(message, page.time());
        message.setBody(page.ids());
    }
}
