package dev.camelbitrix24.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operating-time limit per method and webhook/app, with 250 ms buckets (a 2.5 s window) and 600 ms of
 * simulated processing per call, so that it is reached and recovered from within seconds.
 */
class OperatingTimeLimitTest {

    private static final OperatingTimeLimit FAST = OperatingTimeLimit.DEFAULT.withLimit(Duration.ofSeconds(1))
            .withBucketLength(Duration.ofMillis(250)).withProcessingTimePerCall(Duration.ofMillis(600));

    private static Bitrix24Simulator sim;
    private static final SimulatorHttpClient http = new SimulatorHttpClient();

    @BeforeAll
    static void start() {
        sim = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).seed(100).ratePlan(RatePlan.OFF)
                .operatingTimeLimit(FAST).start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.control().reset();
    }

    private SimulatorHttpClient.Reply delete(long id) throws Exception {
        return http.get(sim.webhookUrl() + "crm.activity.delete?id=" + id);
    }

    @Test
    void methodIsBlockedOnceItsOperatingTimeIsOverTheLimitThenRecovers() throws Exception {
        long startedAt = System.currentTimeMillis() / 1000;
        SimulatorHttpClient.Reply first = delete(1);
        assertThat(first.json().get("time").get("operating").asDouble()).isGreaterThanOrEqualTo(0.6);
        SimulatorHttpClient.Reply second = delete(2);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("time").get("operating").asDouble()).isGreaterThanOrEqualTo(1.2);
        long resetAt = second.json().get("time").get("operating_reset_at").asLong();
        // the 2.5 s window counts from the first charged bucket and the second is rounded up: at most 4 s after
        // the whole seconds of the start, however slowly this machine ran the two calls
        assertThat(resetAt).isBetween(startedAt, System.currentTimeMillis() / 1000 + 4);

        SimulatorHttpClient.Reply blocked = delete(3);
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.error()).isEqualTo("OPERATION_TIME_LIMIT");
        assertThat(blocked.description()).isEqualTo("Method is blocked due to operation time limit.");
        assertThat(sim.control().activityExists(3)).as("a blocked call does not run").isTrue();
        assertThat(sim.control().operatingLimitRejections()).isEqualTo(1);

        // the window is ten 250 ms buckets: after 2.6 s the charged buckets have expired
        Thread.sleep(2600);
        assertThat(delete(3).status()).isEqualTo(200);
        assertThat(sim.control().activityExists(3)).isFalse();
    }

    @Test
    void limitIsPerMethod() throws Exception {
        delete(1);
        delete(2);
        assertThat(delete(3).status()).isEqualTo(429);
        assertThat(http.get(sim.webhookUrl() + "crm.activity.get?id=4").status()).isEqualTo(200);
    }

    @Test
    void limitIsPerWebhook() throws Exception {
        sim.control().addWebhook(1, "second", Set.of("crm"));
        delete(1);
        delete(2);
        assertThat(delete(3).status()).isEqualTo(429);
        assertThat(http.get(sim.baseUrl() + "/rest/1/second/crm.activity.delete?id=3").status()).isEqualTo(200);
    }

    @Test
    void batchCommandsAreChargedAndBlockedOneByOneInsideA200() throws Exception {
        SimulatorHttpClient.Reply reply = http.postJson(sim.webhookUrl() + "batch",
                "{\"cmd\":{\"a\":\"crm.activity.delete?id=1\",\"b\":\"crm.activity.delete?id=2\","
                        + "\"c\":\"crm.activity.delete?id=3\"}}");
        assertThat(reply.status()).isEqualTo(200);
        JsonNode result = reply.json().get("result");
        assertThat(result.get("result").has("a")).isTrue();
        assertThat(result.get("result").has("b")).isTrue();
        assertThat(result.get("result_error").get("c").get("error").asText()).isEqualTo("OPERATION_TIME_LIMIT");
        assertThat(result.get("result_time").get("b").get("operating").asDouble()).isGreaterThanOrEqualTo(1.2);
        // the outer batch is not charged
        assertThat(reply.json().get("time").get("operating").asDouble()).isZero();
    }

    @Test
    void callsShorterThanTheMinimumAreNotCounted() throws Exception {
        sim.control().setOperatingTimeLimit(FAST.withLimit(Duration.ofMillis(10))
                .withProcessingTimePerCall(Duration.ofMillis(20)));
        for (int i = 1; i <= 5; i++) {
            SimulatorHttpClient.Reply reply = delete(i);
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().get("time").get("operating").asDouble()).isZero();
        }
        sim.control().setOperatingTimeLimit(FAST.withLimit(Duration.ofMillis(10))
                .withProcessingTimePerCall(Duration.ofMillis(20)).withMinimumCounted(Duration.ZERO));
        assertThat(delete(6).status()).isEqualTo(200);
        assertThat(delete(7).status()).isEqualTo(429);
    }

    @Test
    void everyReplyCarriesOperatingAndResetTime() throws Exception {
        JsonNode time = http.get(sim.webhookUrl() + "profile").json().get("time");
        assertThat(time.get("operating").isNumber()).isTrue();
        assertThat(time.get("operating_reset_at").isIntegralNumber()).isTrue();
        assertThat(time.get("processing").asDouble()).isGreaterThanOrEqualTo(0.6);
    }
}
