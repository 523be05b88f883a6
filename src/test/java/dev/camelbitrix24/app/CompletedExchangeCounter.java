package dev.camelbitrix24.app;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/** Counts the requests one pipeline instance finished with an outcome (an event notifier added to its CamelContext). */
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
        // only requests that got an outcome: a poll's own exchange completes too, and so do records a stopping
        // consumer had fetched but not handed over (another instance processes them)
        if (event instanceof CamelEvent.ExchangeCompletedEvent e
                && "bitrix24-delete-requests".equals(e.getExchange().getFromRouteId())
                && e.getExchange().getMessage().getHeader(OutcomeHeaders.OUTCOME) != null) {
            completed.incrementAndGet();
        }
    }

    public int completed() {
        return completed.get();
    }
}
