package dev.camelbitrix24.component.support;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * A started CamelContext and a template to send exchanges to bitrix24 endpoints, closed after each test.
 */
public final class CamelHarness implements AutoCloseable {

    private final CamelContext context = new DefaultCamelContext();
    private final ProducerTemplate template;

    public CamelHarness() {
        context.start();
        template = context.createProducerTemplate();
    }

    public CamelContext context() {
        return context;
    }

    /** Sends a body (and headers) to the endpoint; failures stay on the returned exchange, as in a route. */
    public Exchange send(String uri, Object body, Map<String, Object> headers) {
        return template.send(uri, exchange -> {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeaders(new java.util.HashMap<>(headers));
        });
    }

    public Exchange send(String uri, Object body) {
        return send(uri, body, Map.of());
    }

    @Override
    public void close() {
        template.stop();
        context.stop();
    }
}
