package dev.camelbitrix24.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The leaky bucket per client address: reached, answered with 503 QUERY_LIMIT_EXCEEDED, and recovered from. */
class RequestRateLimitTest {

    private static Bitrix24Simulator sim;
    private static final SimulatorHttpClient http = new SimulatorHttpClient();

    @BeforeAll
    static void start() {
        sim = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).seed(500).ratePlan(RatePlan.STANDARD).start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.control().reset();
    }

    @Test
    void standardPlanAdmitsABurstOf50ThenAnswers503() throws Exception {
        long started = System.nanoTime();
        int admitted = 0;
        SimulatorHttpClient.Reply refused = null;
        for (int i = 1; i <= 80 && refused == null; i++) {
            SimulatorHttpClient.Reply reply = http.get(sim.webhookUrl() + "crm.activity.delete?id=" + i);
            if (reply.status() == 503) {
                refused = reply;
            } else {
                admitted++;
            }
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        assertThat(refused).isNotNull();
        assertThat(refused.error()).isEqualTo("QUERY_LIMIT_EXCEEDED");
        assertThat(refused.description()).isEqualTo("Too many requests");
        // 50 at once, plus what drained (2/s) while the loop ran
        assertThat(admitted).isBetween(50, 50 + (int) Math.ceil(elapsed * 2) + 1);
        assertThat(sim.control().rateLimitRejections()).isEqualTo(1);
        assertThat(sim.control().activityExists(admitted + 1)).as("the refused delete did not happen").isTrue();
    }

    @Test
    void bucketDrainsAndAdmitsAgain() throws Exception {
        // drains one request per second: the sixth call comes well within that second
        sim.control().setRatePlan(RatePlan.custom(5, 1));
        for (int i = 0; i < 5; i++) {
            assertThat(http.get(sim.webhookUrl() + "profile").status()).isEqualTo(200);
        }
        assertThat(http.get(sim.webhookUrl() + "profile").status()).isEqualTo(503);
        Thread.sleep(1100);
        assertThat(http.get(sim.webhookUrl() + "profile").status()).isEqualTo(200);
        assertThat(sim.control().rateLimitRejections()).isEqualTo(1);
    }

    @Test
    void refusedRequestsDoNotFillTheBucketFurther() throws Exception {
        sim.control().setRatePlan(RatePlan.custom(2, 1));
        http.get(sim.webhookUrl() + "profile");
        http.get(sim.webhookUrl() + "profile");
        for (int i = 0; i < 10; i++) {
            assertThat(http.get(sim.webhookUrl() + "profile").status()).isEqualTo(503);
        }
        // had the refusals filled the bucket, one second of draining would not be enough
        Thread.sleep(1100);
        assertThat(http.get(sim.webhookUrl() + "profile").status()).isEqualTo(200);
    }

    @Test
    void switchingTheLimitOffAdmitsEverything() throws Exception {
        sim.control().setRatePlan(RatePlan.custom(1, 0.01));
        http.get(sim.webhookUrl() + "profile");
        assertThat(http.get(sim.webhookUrl() + "profile").status()).isEqualTo(503);
        sim.control().setRatePlan(RatePlan.OFF);
        for (int i = 0; i < 100; i++) {
            assertThat(http.get(sim.webhookUrl() + "profile").status()).isEqualTo(200);
        }
        // 102 requests in all; even a slow machine sends ten of them within one second
        assertThat(sim.control().maxRequestRate()).isBetween(10L, 102L);
    }

    @Test
    void resetRestoresTheConfiguredPlan() {
        sim.control().setRatePlan(RatePlan.OFF);
        sim.control().reset();
        assertThat(sim.control().ratePlan()).isEqualTo(RatePlan.STANDARD);
    }
}
