package dev.camelbitrix24.component;

import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.component.support.CamelHarness;
import dev.camelbitrix24.component.support.ScriptedPortal;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.camelbitrix24.component.support.ScriptedPortal.success;
import static dev.camelbitrix24.component.support.ScriptedPortal.systemError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping an endpoint never leaves an exchange waiting, and the producer does not hold the caller's thread.
 */
class Bitrix24LifecycleTest {

    private ScriptedPortal portal;
    private CamelHarness camel;
    private String uri;

    @BeforeEach
    void start() throws Exception {
        portal = new ScriptedPortal();
        camel = new CamelHarness();
        uri = "bitrix24:crm.activity.delete?webhookUrl=RAW(" + portal.baseUrl() + "/rest/1/c0de4321/)";
    }

    @AfterEach
    void stop() {
        camel.close();
        portal.close();
    }

    @Test
    void aCallWaitingForItsRetryEndsWhenTheEndpointStops() throws Exception {
        portal.otherwise(request -> systemError(500, "INTERNAL_SERVER_ERROR", "Internal server error"));
        String waiting = uri + "&initialBackoff=20000";
        Future<Exchange> pending = camel.context().createProducerTemplate()
                .asyncSend(waiting, e -> e.getMessage().setBody(5L));
        await().atMost(5, TimeUnit.SECONDS).until(() -> portal.requests().size() == 1);

        camel.context().getEndpoint(waiting).stop();

        Exchange exchange = pending.get(5, TimeUnit.SECONDS);
        Bitrix24Exception error = exchange.getException(Bitrix24Exception.class);
        assertThat(error.getType()).isEqualTo(Bitrix24ErrorType.TRANSPORT_ERROR);
        assertThat(error.getErrorDescription()).isEqualTo("The endpoint stopped before the call completed");
        assertThat(error.getAttempts()).isEqualTo(1);
        assertThat(portal.requests()).hasSize(1);
    }

    @Test
    void theProducerReturnsBeforeTheReplyArrives() throws Exception {
        portal.then(exchange -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            success().perform(exchange);
        });
        Bitrix24Endpoint endpoint = camel.context().getEndpoint(uri, Bitrix24Endpoint.class);
        Bitrix24Producer producer = (Bitrix24Producer) endpoint.createProducer();
        producer.start();
        Exchange exchange = endpoint.createExchange();
        exchange.getMessage().setBody(5L);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

        long started = System.nanoTime();
        boolean sync = producer.process(exchange, doneSync -> done.countDown());
        long returnedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(sync).isFalse();
        assertThat(returnedAfter).isLessThan(1000);
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(exchange.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("DELETED");
        producer.stop();
    }
}
