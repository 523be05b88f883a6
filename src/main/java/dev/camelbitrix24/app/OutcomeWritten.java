package dev.camelbitrix24.app;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * One request's outcome record, acknowledged by Kafka: what the metrics and the progress log count. Recognised from
 * Camel's own events (an exchange sent to a Kafka endpoint without failure, carrying the {@code bitrix24.outcome}
 * header), so the routes need no extra step and it does not matter which route wrote it.
 *
 * @param outcome       the {@code bitrix24.outcome} value: {@code DELETED} or a failure type
 * @param latencyMillis from the moment the request was consumed to the moment its outcome was acknowledged
 */
record OutcomeWritten(String outcome, long latencyMillis) {

    /** Makes a notifier take the events {@link #from} recognises, and as few others as Camel allows. */
    static void listenForOutcomes(EventNotifierSupport notifier) {
        notifier.setIgnoreCamelContextEvents(true);
        notifier.setIgnoreRouteEvents(true);
        notifier.setIgnoreServiceEvents(true);
        notifier.setIgnoreStepEvents(true);
        notifier.setIgnoreExchangeCreatedEvent(true);
        notifier.setIgnoreExchangeCompletedEvent(true);
        notifier.setIgnoreExchangeFailedEvents(true);
        notifier.setIgnoreExchangeRedeliveryEvents(true);
        // not ignored, though unused: Camel emits an ExchangeSentEvent only when some notifier takes ExchangeSending
        // events, and without this one that would depend on camel-micrometer's exchange notifier being on
        notifier.setIgnoreExchangeSendingEvents(false);
    }

    /** The outcome the event reports, or null when it is not the writing of an outcome record. */
    static OutcomeWritten from(CamelEvent event) {
        if (!(event instanceof CamelEvent.ExchangeSentEvent sent) || !(sent.getEndpoint() instanceof KafkaEndpoint)) {
            return null;
        }
        Exchange exchange = sent.getExchange();
        String outcome = exchange.getMessage().getHeader(OutcomeHeaders.OUTCOME, String.class);
        if (outcome == null || exchange.getException() != null) {
            return null;
        }
        return new OutcomeWritten(outcome, exchange.getClock().elapsed());
    }
}
