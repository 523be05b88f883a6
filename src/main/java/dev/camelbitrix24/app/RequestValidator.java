package dev.camelbitrix24.app;

import java.nio.charset.StandardCharsets;

import dev.camelbitrix24.component.Bitrix24Constants;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Route step before the Bitrix24 call: reads the request value, keeps it on the exchange and leaves the activity id
 * as the body for {@code bitrix24:crm.activity.delete}; a malformed value fails with {@link InvalidRequestException}. A
 * request that carries {@link OutcomeHeaders#MAY_HAVE_DELETED} (a replayed dead letter) says so to the component.
 * A plain {@link Processor}: the route calls it directly, without the bean component's method binding.
 */
public class RequestValidator implements Processor {

    /** Exchange property holding the parsed {@link DeletionRequest}. */
    public static final String REQUEST = "bitrix24.request";
    /** Exchange property holding the request's requestId, set even when the rest of the request is invalid. */
    public static final String REQUEST_ID = "bitrix24.requestId";

    @Override
    public void process(Exchange exchange) {
        validate(exchange);
    }

    public void validate(Exchange exchange) {
        byte[] value = exchange.getMessage().getBody(byte[].class);
        DeletionRequest request;
        try {
            if (FilterRequest.parseOrNull(value) != null) {
                // PollDispatcher runs filter requests page by page; one reaching this route is a fault of the pipeline
                throw new IllegalStateException("a filter request reached the per-request route");
            }
            request = DeletionRequest.parse(value);
        } catch (InvalidRequestException e) {
            exchange.setProperty(REQUEST_ID, e.getRequestId());
            throw e;
        }
        exchange.setProperty(REQUEST, request);
        exchange.setProperty(REQUEST_ID, request.requestId());
        exchange.getMessage().setBody(request.id());
        if (mayHaveDeleted(exchange.getMessage().getHeader(OutcomeHeaders.MAY_HAVE_DELETED))) {
            // a dead letter put back by replay: its first attempts may have deleted the activity
            exchange.getMessage().setHeader(Bitrix24Constants.MAY_HAVE_DELETED, true);
        }
    }

    private static boolean mayHaveDeleted(Object header) {
        return header instanceof byte[] bytes ? "true".equals(new String(bytes, StandardCharsets.UTF_8))
                : "true".equals(String.valueOf(header));
    }
}
