package dev.camelbitrix24.app;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/** Counts the requests one pipeline instance finished (an event notifier added to its CamelContext). */
public class CompletedExchangeCounter extends EventNotifierSupport {

    private final AtomicInteger completed = new AtomicInteger();

    public CompletedExchangeCounter() {
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.ExchangeCompletedEvent e
                && "bitrix24-delete-requests".equals(e.getExchange().getFromRouteId())) {
            completed.incrementAndGet();
        }
    }

    public int completed() {
        return completed.get();
    }
}
