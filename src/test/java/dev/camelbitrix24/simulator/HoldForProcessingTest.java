package dev.camelbitrix24.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With holdForProcessing a reply is held back for the simulated processing time its calls were charged (a batch:
 * the sum over its commands), as a busy portal's would be; without it the reply goes out at once.
 */
class HoldForProcessingTest {

    private static final String FIVE_DELETES = "{\"cmd\":{\"a\":\"crm.activity.delete?id=1\","
            + "\"b\":\"crm.activity.delete?id=2\",\"c\":\"crm.activity.delete?id=3\","
            + "\"d\":\"crm.activity.delete?id=4\",\"e\":\"crm.activity.delete?id=5\"}}";

    private static Bitrix24Simulator sim;
    private static final SimulatorHttpClient http = new SimulatorHttpClient();

    @BeforeAll
    static void start() {
        sim = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).seed(100).ratePlan(RatePlan.OFF).start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.control().reset();
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    @Test
    void aBatchIsHeldForTheSumOfItsCommands() throws Exception {
        SimulatorHttpClient.Reply set = http.postJson(sim.baseUrl() + "/_simulator/operating-time-limit",
                "{\"processingMillis\":100,\"holdForProcessing\":true}");
        assertThat(set.json().get("holdForProcessing").asBoolean()).isTrue();
        long started = System.nanoTime();
        SimulatorHttpClient.Reply reply = http.postJson(sim.webhookUrl() + "batch", FIVE_DELETES);
        assertThat(millisSince(started)).isGreaterThanOrEqualTo(500);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("result").get("result")).hasSize(5);
        assertThat(sim.control().activityCount()).isEqualTo(95);
    }

    @Test
    void withoutTheFlagTheSameBatchAnswersAtOnce() throws Exception {
        sim.control().setOperatingTimeLimit(OperatingTimeLimit.DEFAULT.withProcessingTimePerCall(Duration.ofMillis(400)));
        long started = System.nanoTime();
        SimulatorHttpClient.Reply reply = http.postJson(sim.webhookUrl() + "batch", FIVE_DELETES);
        // held, it would take 5 x 400 ms = 2 s
        assertThat(millisSince(started)).isLessThan(1000);
        assertThat(reply.json().get("result").get("result_time").get("e").get("processing").asDouble())
                .isGreaterThanOrEqualTo(0.4);
    }

    @Test
    void aCallIsHeldForItsOwnDraw() throws Exception {
        sim.control().setOperatingTimeLimit(OperatingTimeLimit.DEFAULT
                .withProcessingTime(Duration.ofMillis(200), Duration.ofMillis(600)).withHoldForProcessing(true));
        for (int id = 1; id <= 3; id++) {
            long started = System.nanoTime();
            SimulatorHttpClient.Reply reply = http.get(sim.webhookUrl() + "crm.activity.delete?id=" + id);
            long elapsed = millisSince(started);
            double processing = reply.json().get("time").get("processing").asDouble();
            assertThat(elapsed).as("call %d, charged %.3f s", id, processing)
                    .isGreaterThanOrEqualTo((long) (processing * 1000) - 1);
        }
    }
}
