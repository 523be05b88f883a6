package dev.camelbitrix24.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A slow portal: every /rest/ reply, errors included, is held back by a latency drawn from a range, after the call
 * has run, without holding back the other requests; the control API answers at once.
 */
class ReplyLatencyTest {

    private static Bitrix24Simulator sim;
    private static final SimulatorHttpClient http = new SimulatorHttpClient();

    @BeforeAll
    static void start() {
        sim = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).seed(100).ratePlan(RatePlan.OFF)
                .replyLatency(Duration.ofMillis(300), Duration.ofMillis(400)).start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.control().reset();
    }

    private static long millisOf(ThrowingCall call) throws Exception {
        long started = System.nanoTime();
        call.run();
        return (System.nanoTime() - started) / 1_000_000;
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void everyRestReplyComesNoSoonerThanTheShortestLatency() throws Exception {
        assertThat(millisOf(() -> assertThat(http.get(sim.webhookUrl() + "crm.activity.delete?id=1").status())
                .isEqualTo(200))).isGreaterThanOrEqualTo(300);
        assertThat(millisOf(() -> assertThat(http.get(sim.webhookUrl() + "crm.activity.delete?id=1").description())
                .isEqualTo("Activity is not found."))).isGreaterThanOrEqualTo(300);
        assertThat(millisOf(() -> assertThat(http.get(sim.webhookUrl() + "no.such.method").status())
                .isEqualTo(404))).isGreaterThanOrEqualTo(300);
        assertThat(millisOf(() -> assertThat(http.get(sim.baseUrl() + "/rest/1/wrong/profile").status())
                .isEqualTo(401))).isGreaterThanOrEqualTo(300);
        assertThat(millisOf(() -> assertThat(http.postJson(sim.webhookUrl() + "batch",
                "{\"cmd\":{\"a\":\"profile\"}}").status()).isEqualTo(200))).isGreaterThanOrEqualTo(300);
    }

    @Test
    void theControlApiIsNotHeldBack() throws Exception {
        sim.control().setReplyLatency(new ReplyLatency(Duration.ofSeconds(2), Duration.ofSeconds(2)));
        assertThat(millisOf(() -> assertThat(http.get(sim.baseUrl() + "/_simulator/state").status()).isEqualTo(200)))
                .isLessThan(1500);
    }

    @Test
    void concurrentRequestsWaitOutTheirLatenciesTogether() throws Exception {
        sim.control().setReplyLatency(new ReplyLatency(Duration.ofMillis(300), Duration.ofMillis(300)));
        // twenty connections, as twenty HTTP/1.1 clients would open; one call first so that class loading is not timed
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        client.send(HttpRequest.newBuilder(URI.create(sim.webhookUrl() + "profile")).build(),
                HttpResponse.BodyHandlers.discarding());
        long started = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (int id = 1; id <= 20; id++) {
            replies.add(client.sendAsync(HttpRequest.newBuilder(
                    URI.create(sim.webhookUrl() + "crm.activity.delete?id=" + id)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> reply : replies) {
            assertThat(reply.get().statusCode()).isEqualTo(200);
        }
        long elapsed = (System.nanoTime() - started) / 1_000_000;
        // one after another they would take 20 x 300 ms = 6 s
        assertThat(elapsed).isBetween(300L, 1500L);
        assertThat(sim.control().activityCount()).isEqualTo(80);
    }

    @Test
    void aClientThatHangsUpDuringTheLatencyLeavesTheActivityDeleted() {
        sim.control().setReplyLatency(new ReplyLatency(Duration.ofSeconds(2), Duration.ofSeconds(2)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.webhookUrl() + "crm.activity.delete?id=6"))
                .timeout(Duration.ofMillis(300)).GET().build();
        assertThatThrownBy(() -> http.raw().send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(sim.control().activityExists(6)).as("the delete ran before the reply was held back").isFalse();
    }

    @Test
    void zeroTurnsTheLatencyOff() throws Exception {
        sim.control().setReplyLatency(ReplyLatency.NONE);
        assertThat(millisOf(() -> http.get(sim.webhookUrl() + "profile"))).isLessThan(300);
        sim.control().reset();
        assertThat(sim.control().replyLatency()).as("a reset restores the configured latency")
                .isEqualTo(new ReplyLatency(Duration.ofMillis(300), Duration.ofMillis(400)));
    }

    @Test
    void readsTheEnvironmentForm() {
        assertThat(ReplyLatency.parse("600")).isEqualTo(new ReplyLatency(Duration.ofMillis(600), Duration.ofMillis(600)));
        assertThat(ReplyLatency.parse(" 550-650 "))
                .isEqualTo(new ReplyLatency(Duration.ofMillis(550), Duration.ofMillis(650)));
        assertThat(ReplyLatency.parse("0")).isEqualTo(ReplyLatency.NONE);
        for (String bad : new String[] {"650-550", "-5", "fast", "1-2-3", ""}) {
            assertThatThrownBy(() -> ReplyLatency.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
