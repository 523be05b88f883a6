package dev.camelbitrix24.app;

import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.Bitrix24Producer;
import dev.camelbitrix24.component.Bitrix24RetryLaterException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** One request of a poll: its exchange, where it came from, and what became of it. */
final class PollRequest {
    final Exchange exchange;
    final Consumer<?, ?> consumer;
    final TopicPartition partition;
    final long offset;
    volatile boolean written;
    Throwable lastFailure;
    /** Set when the component gave it back without an outcome. */
    Bitrix24RetryLaterException held;
    /** The trimmed outcome record, once Kafka refused the whole one as too large (see {@link TrimmedOutcome}). */
    Exchange trimmed;
    /** Left for the next poll without being sent, to fill its batch there (see {@link PollDispatcher}). */
    boolean deferred;

    PollRequest(Exchange exchange, Consumer<?, ?> consumer, TopicPartition partition, long offset) {
        this.exchange = exchange;
        this.consumer = consumer;
        this.partition = partition;
        this.offset = offset;
    }

    boolean written() {
        return written || !deferred && exchange.getException() == null;
    }

    Throwable failure() {
        return lastFailure != null ? lastFailure : exchange.getException();
    }

    /** The exchange whose outcome record is to be written again: the trimmed one, once there is one. */
    Exchange outcomeRecord() {
        return trimmed != null ? trimmed : exchange;
    }

    /**
     * The Kafka endpoint the outcome record was being written to when the request failed, or null when it failed
     * before its outcome record was made (nothing to write again: the request itself is consumed again).
     */
    String outcomeEndpoint() {
        String to = exchange.getProperty(ExchangePropertyKey.TO_ENDPOINT, String.class);
        boolean outcomeMade = exchange.getMessage().getHeader(OutcomeHeaders.OUTCOME) != null;
        return outcomeMade && to != null && to.startsWith("kafka:") ? to : null;
    }

    /**
     * Whether its call may have deleted the activity though no outcome says so: the component said so, or it deleted
     * it and the outcome record was refused.
     */
    boolean mayHaveDeleted() {
        if (deferred) {
            return false;
        }
        if (held != null) {
            return held.isMayHaveDeleted();
        }
        if (Bitrix24Producer.DELETED.equals(exchange.getMessage().getHeader(Bitrix24Constants.OUTCOME))) {
            return true;
        }
        Bitrix24Exception failed = exchange.getException(Bitrix24Exception.class);
        if (failed == null) {
            failed = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Bitrix24Exception.class);
        }
        return failed != null && failed.isMayHaveDeleted();
    }
}
