package dev.camelbitrix24.simulator;

import dev.camelbitrix24.simulator.junit.Bitrix24SimulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Faults on demand: given replies for N calls or a seeded fraction, delays, resets and lost replies. */
class FaultInjectionTest {

    @RegisterExtension
    static final Bitrix24SimulatorExtension sim = Bitrix24SimulatorExtension.builder().seed(300).ratePlan(RatePlan.OFF).randomSeed(7L).build();
    private static final SimulatorHttpClient http = new SimulatorHttpClient();

    private SimulatorHttpClient.Reply delete(long id) throws Exception {
        return http.get(sim.webhookUrl() + "crm.activity.delete?id=" + id);
    }

    @Test
    void statusFaultAnswersTheNextNCallsAndNothingHappens() throws Exception {
        sim.control().injectFault(FaultSpec.internalServerError().times(2));
        SimulatorHttpClient.Reply first = delete(1);
        assertThat(first.status()).isEqualTo(500);
        assertThat(first.error()).isEqualTo("INTERNAL_SERVER_ERROR");
        assertThat(delete(1).status()).isEqualTo(500);
        assertThat(sim.control().activityExists(1)).isTrue();
        assertThat(delete(1).status()).isEqualTo(200);
        assertThat(sim.control().activityExists(1)).isFalse();
        assertThat(sim.control().callCount("crm.activity.delete")).isEqualTo(3);
    }

    @Test
    void badGatewayComesAsHtml() throws Exception {
        sim.control().injectFault(FaultSpec.badGatewayHtml().times(1));
        SimulatorHttpClient.Reply reply = delete(2);
        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.contentType()).startsWith("text/html");
        assertThat(reply.body()).contains("502 Bad Gateway");
        assertThat(reply.json()).isNull();
    }

    @Test
    void overloadLimitIs503WithItsOwnCode() throws Exception {
        sim.control().injectFault(FaultSpec.overloadLimit().times(1));
        SimulatorHttpClient.Reply reply = delete(3);
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.error()).isEqualTo("OVERLOAD_LIMIT");
    }

    @Test
    void nonJsonBodyWithA200() throws Exception {
        sim.control().injectFault(FaultSpec.status(200, "OK but not JSON").contentType("text/plain").times(1));
        SimulatorHttpClient.Reply reply = delete(4);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/plain");
        assertThat(reply.body()).isEqualTo("OK but not JSON");
    }

    @Test
    void faultRestrictedToOneMethodLeavesOthersAlone() throws Exception {
        sim.control().injectFault(FaultSpec.internalServerError().onMethod("batch"));
        assertThat(delete(5).status()).isEqualTo(200);
        assertThat(http.postJson(sim.webhookUrl() + "batch", "{\"cmd\":{}}").status()).isEqualTo(500);
        sim.control().clearFaults();
        assertThat(http.postJson(sim.webhookUrl() + "batch", "{\"cmd\":{}}").status()).isEqualTo(200);
    }

    @Test
    void fractionHitsTheSameCallsForTheSameSeed() throws Exception {
        List<Integer> firstRun = statuses();
        sim.control().reset();
        List<Integer> secondRun = statuses();
        assertThat(secondRun).isEqualTo(firstRun);
        long failures = firstRun.stream().filter(s -> s == 503).count();
        assertThat(failures).isBetween(5L, 35L);
    }

    private List<Integer> statuses() throws Exception {
        sim.control().injectFault(FaultSpec.overloadLimit().fraction(0.4));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            statuses.add(http.get(sim.webhookUrl() + "profile").status());
        }
        return statuses;
    }

    @Test
    void delayPastTheClientTimeoutStillDeletes() {
        sim.control().injectFault(FaultSpec.delay(Duration.ofMillis(1500)).times(1));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sim.webhookUrl() + "crm.activity.delete?id=6"))
                .timeout(Duration.ofMillis(300)).GET();
        assertThatThrownBy(() -> http.raw().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(sim.control().activityExists(6)).as("the delete ran before the slow reply").isFalse();
    }

    @Test
    void delayedReplyArrivesForAPatientClient() throws Exception {
        sim.control().injectFault(FaultSpec.delay(Duration.ofMillis(300)).times(1));
        long started = System.nanoTime();
        SimulatorHttpClient.Reply reply = delete(7);
        assertThat(reply.status()).isEqualTo(200);
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(290);
    }

    @Test
    void resetMidReplyBreaksTheReplyAfterTheDelete() {
        sim.control().injectFault(FaultSpec.resetMidReply().times(1));
        assertThatThrownBy(() -> delete(8)).isInstanceOf(IOException.class);
        assertThat(sim.control().activityExists(8)).isFalse();
    }

    @Test
    void lostReplyMeansTheDeleteHappenedAndARetrySaysNotFound() throws Exception {
        sim.control().injectFault(FaultSpec.replyLost().times(1).onMethod("crm.activity.delete"));
        assertThatThrownBy(() -> delete(9)).isInstanceOf(IOException.class);
        assertThat(sim.control().activityExists(9)).isFalse();
        SimulatorHttpClient.Reply retry = delete(9);
        assertThat(retry.status()).isEqualTo(400);
        assertThat(retry.description()).isEqualTo("Activity is not found.");
    }

    @Test
    void wrongEncodingAnswersAfterTheDeleteRan() throws Exception {
        sim.control().injectFault(FaultSpec.wrongEncoding().times(1).onMethod("crm.activity.delete"));
        SimulatorHttpClient.Reply reply = delete(10);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.error()).isEqualTo("WRONG_ENCODING");
        assertThat(sim.control().activityExists(10)).isFalse();
        assertThat(delete(10).description()).isEqualTo("Activity is not found.");
    }

    @Test
    void truncatedReplyIsAComplete200WhoseJsonDoesNotParseAndTheDeleteRan() throws Exception {
        sim.control().injectFault(FaultSpec.truncatedReply().times(1));
        SimulatorHttpClient.Reply reply = delete(11);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).isNull();
        assertThat(reply.body()).startsWith("{\"result\":");
        assertThat(sim.control().activityExists(11)).isFalse();
    }

    @Test
    void replacedReplyAnswersTheGivenPageAfterTheDeleteRanWhileAStatusFaultRunsNothing() throws Exception {
        String proxyPage = "<html><body>upstream answered</body></html>";
        sim.control().injectFault(FaultSpec.replacedReply(200, proxyPage).times(1));
        SimulatorHttpClient.Reply replaced = delete(12);
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.contentType()).startsWith("text/html");
        assertThat(replaced.body()).isEqualTo(proxyPage);
        assertThat(sim.control().activityExists(12)).isFalse();

        sim.control().injectFault(FaultSpec.status(200, proxyPage).times(1));
        assertThat(delete(13).body()).isEqualTo(proxyPage);
        assertThat(sim.control().activityExists(13)).isTrue();
    }

    @Test
    void aMovedPortalAnswersARedirectToTheSamePathAtItsNewAddressAndRunsNothing() throws Exception {
        sim.control().injectFault(FaultSpec.movedTo("https://moved.example.com/").times(1));
        SimulatorHttpClient.Reply reply = delete(14);
        assertThat(reply.status()).isEqualTo(302);
        assertThat(reply.location()).isEqualTo("https://moved.example.com/rest/1/simulator/crm.activity.delete");
        assertThat(sim.control().activityExists(14)).isTrue();
    }
}
