package dev.camelbitrix24.component.simulated;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24Exception;
import dev.camelbitrix24.component.support.CamelHarness;
import dev.camelbitrix24.simulator.ActivitySpec;
import dev.camelbitrix24.simulator.FaultSpec;
import dev.camelbitrix24.simulator.OperatingTimeLimit;
import dev.camelbitrix24.simulator.RatePlan;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * batching=true on the simulator: concurrent deletes share batch calls, each exchange ends as if sent alone, ids
 * cannot inject, whole-batch failures are retried as a whole, the lost-reply rule holds per command; the shared
 * pacer and the operating-time guard keep limits from refusing anything.
 */
class BatchingOnSimulatorTest extends SimulatorTestSupport {

    private static final String BATCHING = "batching=true&maxBatchWait=300&ratePlan=off";

    private List<Exchange> sendConcurrently(CamelHarness harness, String uri, List<Object> bodies) throws Exception {
        ProducerTemplate template = harness.context().createProducerTemplate();
        List<CompletableFuture<Exchange>> futures = new ArrayList<>();
        for (Object body : bodies) {
            futures.add(template.asyncSend(uri, e -> e.getMessage().setBody(body)));
        }
        List<Exchange> exchanges = new ArrayList<>();
        for (CompletableFuture<Exchange> f : futures) {
            exchanges.add(f.get(60, TimeUnit.SECONDS));
        }
        return exchanges;
    }

    @Test
    void concurrentDeletesShareBatchesAndEachGetsItsOwnOutcome() throws Exception {
        long denied = control.addActivity(ActivitySpec.plain().deletableOnlyBy(2));
        List<Object> bodies = new ArrayList<>();
        for (long id = 1; id <= 57; id++) {
            bodies.add(id);
        }
        bodies.add(900_001L);
        bodies.add(denied);
        bodies.add("5&id=7");

        List<Exchange> results = sendConcurrently(camel, webhookUri(BATCHING), bodies);

        assertThat(control.callCount("batch")).as("59 deletes in batches of at most 50").isEqualTo(2);
        for (int i = 0; i < 57; i++) {
            Exchange e = results.get(i);
            assertThat(e.getException()).as("id %d", i + 1).isNull();
            assertThat(e.getMessage().getHeader(Bitrix24Constants.OUTCOME)).isEqualTo("DELETED");
            assertThat(e.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(1);
            assertThat(e.getMessage().getHeader(Bitrix24Constants.HTTP_STATUS)).isEqualTo(200);
            assertThat(e.getMessage().getHeader(Bitrix24Constants.TIME_OPERATING_RESET_AT)).as("result_time").isNotNull();
            assertThat(control.activityExists(i + 1)).isFalse();
        }
        Bitrix24Exception missing = errorOf(results.get(57));
        assertThat(missing.getType()).isEqualTo(Bitrix24ErrorType.NOT_FOUND);
        assertThat(missing.getErrorCode()).isEmpty();
        assertThat(missing.getErrorDescription()).startsWith("Activity is not found");
        assertThat(missing.getHttpResponseCode()).as("the status it gets when sent alone").isEqualTo(400);
        Bitrix24Exception refused = errorOf(results.get(58));
        assertThat(refused.getType()).isEqualTo(Bitrix24ErrorType.ACCESS_DENIED);
        assertThat(control.activityExists(denied)).isTrue();
        // the injection attempt never became a command: invalid before any call, and activity 7 went only as itself
        Bitrix24Exception injection = errorOf(results.get(59));
        assertThat(injection.getType()).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
        assertThat(injection.getAttempts()).isZero();
    }

    /** Sends ids one by one from one thread, {@code gapMillis} apart, marked as one Camel batch or not at all. */
    private List<Exchange> handOverSlowly(String uri, List<Long> ids, long gapMillis, boolean markedAsBatch) throws Exception {
        ProducerTemplate template = camel.context().createProducerTemplate();
        List<CompletableFuture<Exchange>> futures = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            boolean last = i == ids.size() - 1;
            futures.add(template.asyncSend(uri, e -> {
                e.getMessage().setBody(id);
                if (markedAsBatch) {
                    e.setProperty(ExchangePropertyKey.BATCH_COMPLETE, last);
                }
            }));
            Thread.sleep(gapMillis);
        }
        List<Exchange> exchanges = new ArrayList<>();
        for (CompletableFuture<Exchange> f : futures) {
            exchanges.add(f.get(60, TimeUnit.SECONDS));
        }
        return exchanges;
    }

    @Test
    void deletesHandedOverAsOneCamelBatchFillOneCallHoweverSlowlyTheyCome() throws Exception {
        // a hand-over slower than maxBatchWait: a busy machine descheduling the thread that hands a poll over
        String uri = webhookUri("batching=true&maxBatchWait=5&ratePlan=off");
        List<Long> first = new ArrayList<>();
        List<Long> second = new ArrayList<>();
        for (long id = 1; id <= 20; id++) {
            first.add(id);
            second.add(100 + id);
        }

        List<Exchange> unmarked = handOverSlowly(uri, first, 20, false);
        long unmarkedCalls = control.callCount("batch");
        List<Exchange> marked = handOverSlowly(uri, second, 20, true);
        long markedCalls = control.callCount("batch") - unmarkedCalls;

        assertThat(unmarked).allSatisfy(e -> assertThat(e.getException()).isNull());
        assertThat(marked).allSatisfy(e -> assertThat(e.getException()).isNull());
        assertThat(unmarkedCalls).as("each delete leaves once maxBatchWait passes without another").isGreaterThan(5);
        assertThat(markedCalls).as("CamelBatchComplete=false: the batch waits for the deletes that follow").isEqualTo(1);
        assertThat(second).allSatisfy(id -> assertThat(control.activityExists(id)).isFalse());
    }

    @Test
    void aBatchWhoseLastDeleteSaysMoreFollowLeavesWithinTheFollowWaitWhenNoneCome() throws Exception {
        String uri = webhookUri("batching=true&maxBatchWait=5&ratePlan=off");
        long started = System.nanoTime();
        Exchange alone = camel.context().createProducerTemplate().send(uri, e -> {
            e.getMessage().setBody(31L);
            e.setProperty(ExchangePropertyKey.BATCH_COMPLETE, false);
        });
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(alone.getException()).isNull();
        assertThat(control.activityExists(31)).isFalse();
        assertThat(tookMillis).as("held for the deletes said to follow, at most 1 s").isBetween(900L, 5_000L);
    }

    @Test
    void anInjectionThroughTheIdNeverReachesTheSimulator() throws Exception {
        List<Object> bodies = List.of("5&id=7", "7#", "{\"id\":\"5&ID=7\"}", "$result[x]", "5");
        List<Exchange> results = sendConcurrently(camel, webhookUri(BATCHING), new ArrayList<>(bodies));

        for (int i = 0; i < 4; i++) {
            assertThat(errorOf(results.get(i)).getType()).as(bodies.get(i).toString()).isEqualTo(Bitrix24ErrorType.INVALID_REQUEST);
        }
        assertThat(results.get(4).getException()).isNull();
        assertThat(control.callCount("batch")).isEqualTo(1);
        assertThat(control.activityExists(5)).isFalse();
        assertThat(control.activityExists(7)).as("only ever named inside a rejected id").isTrue();
    }

    @Test
    void aBatchThatFailsAsAWholeIsRetriedAsAWhole() throws Exception {
        control.injectFault(FaultSpec.internalServerError().times(1).onMethod("batch"));

        List<Exchange> results = sendConcurrently(camel, webhookUri(BATCHING), List.of(11L, 12L, 13L));

        assertThat(control.callCount("batch")).isEqualTo(2);
        assertThat(results).allSatisfy(e -> {
            assertThat(e.getException()).isNull();
            assertThat(e.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(2);
        });
    }

    @Test
    void aLostBatchReplyIsConfirmedPerCommandOnRetry() throws Exception {
        control.injectFault(FaultSpec.replyLost().times(1).onMethod("batch"));

        List<Exchange> results = sendConcurrently(camel, webhookUri(BATCHING), List.of(21L, 22L, 900_002L));

        assertThat(results.get(0).getMessage().getHeader(Bitrix24Constants.CONFIRMED_ON_RETRY)).isEqualTo(true);
        assertThat(results.get(1).getMessage().getHeader(Bitrix24Constants.CONFIRMED_ON_RETRY)).isEqualTo(true);
        // an id that never existed is "confirmed" too: after a lost reply the two cannot be told apart (PROTOCOL §7)
        assertThat(results.get(2).getException()).isNull();
        assertThat(control.activityExists(21)).isFalse();
        assertThat(control.activityExists(22)).isFalse();
    }

    @Test
    void twoClientsOnOnePortalConvergeInsteadOfFailing() throws Exception {
        control.setRatePlan(RatePlan.custom(5, 20));
        // two Camel contexts stand for two processes: each believes it has the portal's whole bucket
        String uri = webhookUri("batching=true&maxBatchSize=1&maxBatchWait=0&ratePlan=5/20&maxAttempts=8&rateLimitWait=100");
        try (CamelHarness other = new CamelHarness()) {
            List<Object> first = new ArrayList<>();
            List<Object> second = new ArrayList<>();
            for (long id = 100; id < 140; id++) {
                (id % 2 == 0 ? first : second).add(id);
            }
            CompletableFuture<List<Exchange>> a = CompletableFuture.supplyAsync(() -> quietly(camel, uri, first));
            CompletableFuture<List<Exchange>> b = CompletableFuture.supplyAsync(() -> quietly(other, uri, second));
            List<Exchange> all = new ArrayList<>(a.get(60, TimeUnit.SECONDS));
            all.addAll(b.get(60, TimeUnit.SECONDS));

            assertThat(all).hasSize(40).allSatisfy(e -> assertThat(e.getException()).isNull());
            for (long id = 100; id < 140; id++) {
                assertThat(control.activityExists(id)).isFalse();
            }
        }
        // they did collide: the portal refused some requests, and the refused ones were paced and retried
        assertThat(control.rateLimitRejections()).isPositive();
    }

    @Test
    void theOperatingTimeGuardPausesTheMethodBeforeThePortalRefusesIt() throws Exception {
        control.setOperatingTimeLimit(new OperatingTimeLimit(Duration.ofMillis(2000), Duration.ofMillis(200),
                Duration.ofMillis(250), Duration.ZERO));
        String uri = webhookUri("batching=true&maxBatchSize=1&maxBatchWait=0&ratePlan=off"
                                + "&operatingTimeLimit=2000&operatingTimeReserve=600");
        long start = System.nanoTime();
        for (long id = 200; id < 214; id++) {
            Exchange e = delete(uri, id);
            assertThat(e.getException()).as("id %d", id).isNull();
            assertThat(e.getMessage().getHeader(Bitrix24Constants.ATTEMPTS)).isEqualTo(1);
        }
        assertThat(control.operatingLimitRejections()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("it paused").isGreaterThan(Duration.ofSeconds(1));
    }

    private List<Exchange> quietly(CamelHarness harness, String uri, List<Object> bodies) {
        try {
            return sendConcurrently(harness, uri, bodies);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
