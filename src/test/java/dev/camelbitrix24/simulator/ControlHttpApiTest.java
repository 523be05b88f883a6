package dev.camelbitrix24.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Every endpoint of the /_simulator/ inspection and control API, over HTTP. */
class ControlHttpApiTest {

    private static Bitrix24Simulator sim;
    private static final SimulatorHttpClient http = new SimulatorHttpClient();

    @BeforeAll
    static void start() {
        sim = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).seed(10).ratePlan(RatePlan.STANDARD).start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.control().reset();
    }

    private String api(String path) {
        return sim.baseUrl() + "/_simulator" + path;
    }

    @Test
    void stateReportsCountersPlanAndLimits() throws Exception {
        http.get(sim.webhookUrl() + "crm.activity.delete?id=1");
        JsonNode state = http.get(api("/state")).json();
        assertThat(state.get("activityCount").asLong()).isEqualTo(9);
        assertThat(state.get("calls").get("crm.activity.delete").asLong()).isEqualTo(1);
        assertThat(state.get("ratePlan").get("name").asText()).isEqualTo("standard");
        assertThat(state.get("operatingTimeLimit").get("limitMillis").asLong()).isEqualTo(480_000);
        assertThat(state.get("maxRequestRate").asLong()).isEqualTo(1);
        assertThat(state.has("rateLimitRejections") && state.has("operatingLimitRejections")
                && state.has("tokenRefreshCount") && state.has("faults")).isTrue();
    }

    @Test
    void seedsActivitiesAndAnswersWhetherOneExists() throws Exception {
        assertThat(http.get(api("/activities/500")).json().get("exists").asBoolean()).isFalse();
        JsonNode seeded = http.postJson(api("/activities/seed"), "{\"firstId\":500,\"count\":100}").json();
        assertThat(seeded.get("activityCount").asLong()).isEqualTo(110);
        assertThat(http.get(api("/activities/500")).json().get("exists").asBoolean()).isTrue();
        assertThat(http.get(api("/activities/599")).json().get("exists").asBoolean()).isTrue();
    }

    @Test
    void addsAnActivityWithOwnerAndRights() throws Exception {
        long id = http.postJson(api("/activities"), "{\"ownerApp\":\"app.x\"}").json().get("id").asLong();
        SimulatorHttpClient.Reply reply = http.get(sim.webhookUrl() + "crm.activity.delete?id=" + id);
        assertThat(reply.description()).isEqualTo("Application context required.");
        long hidden = http.postJson(api("/activities"), "{\"readableBy\":[5]}").json().get("id").asLong();
        assertThat(http.get(sim.webhookUrl() + "crm.activity.delete?id=" + hidden).description())
                .isEqualTo("Activity is not found.");
    }

    @Test
    void countsCallsPerMethod() throws Exception {
        http.get(sim.webhookUrl() + "profile");
        http.get(sim.webhookUrl() + "PROFILE");
        assertThat(http.get(api("/calls/profile")).json().get("count").asLong()).isEqualTo(2);
        assertThat(http.get(api("/calls")).json().get("profile").asLong()).isEqualTo(2);
    }

    @Test
    void injectsAndClearsFaults() throws Exception {
        JsonNode added = http.postJson(api("/faults"),
                "{\"kind\":\"status\",\"status\":502,\"body\":\"<html>bad gateway</html>\",\"times\":2,"
                        + "\"method\":\"crm.activity.delete\"}").json();
        assertThat(added.get("faults")).hasSize(1);
        assertThat(http.get(sim.webhookUrl() + "crm.activity.delete?id=2").status()).isEqualTo(502);
        assertThat(http.send("DELETE", api("/faults"), null).status()).isEqualTo(200);
        assertThat(http.get(sim.webhookUrl() + "crm.activity.delete?id=2").status()).isEqualTo(200);
        http.postJson(api("/faults"), "{\"kind\":\"reply_lost\",\"times\":1}");
        http.postJson(api("/faults"), "{\"kind\":\"delay\",\"delayMillis\":10}");
        http.postJson(api("/faults"), "{\"kind\":\"wrong_encoding\",\"times\":1}");
        http.postJson(api("/faults"), "{\"kind\":\"truncated_reply\",\"times\":1}");
        http.postJson(api("/faults"), "{\"kind\":\"replaced_reply\",\"status\":200,\"body\":\"<html/>\"}");
        assertThat(sim.control().activeFaults()).extracting(FaultSpec::kind)
                .containsExactly(FaultSpec.Kind.REPLY_LOST, FaultSpec.Kind.DELAY, FaultSpec.Kind.REPLACED_REPLY,
                        FaultSpec.Kind.TRUNCATED_REPLY, FaultSpec.Kind.REPLACED_REPLY);
    }

    @Test
    void switchesRatePlanAndOperatingLimit() throws Exception {
        assertThat(http.send("PUT", api("/rate-plan"), "{\"plan\":\"enterprise\"}").json().get("burst").asInt())
                .isEqualTo(250);
        assertThat(sim.control().ratePlan()).isEqualTo(RatePlan.ENTERPRISE);
        http.send("PUT", api("/rate-plan"), "{\"burst\":3,\"perSecond\":1}");
        assertThat(sim.control().ratePlan().burst()).isEqualTo(3);
        JsonNode limit = http.send("PUT", api("/operating-time-limit"),
                "{\"limitMillis\":2000,\"bucketMillis\":200,\"processingMillis\":300}").json();
        assertThat(limit.get("bucketMillis").asLong()).isEqualTo(200);
        assertThat(sim.control().operatingTimeLimit().processingTimePerCall().toMillis()).isEqualTo(300);
    }

    @Test
    void setsAProcessingTimeRangeAndItsFlags() throws Exception {
        JsonNode limit = http.postJson(api("/operating-time-limit"), "{\"processingMillis\":100,"
                + "\"processingMaxMillis\":300,\"processingPerActivity\":true,\"holdForProcessing\":true}").json();
        assertThat(limit.get("processingMillis").asLong()).isEqualTo(100);
        assertThat(limit.get("processingMaxMillis").asLong()).isEqualTo(300);
        assertThat(limit.get("processingPerActivity").asBoolean()).isTrue();
        assertThat(limit.get("holdForProcessing").asBoolean()).isTrue();
        assertThat(http.get(api("/state")).json().get("operatingTimeLimit")).isEqualTo(limit);
        assertThat(sim.control().operatingTimeLimit().processingTime())
                .isEqualTo(new ProcessingTime(Duration.ofMillis(100), Duration.ofMillis(300), true, true));

        JsonNode fixed = http.postJson(api("/operating-time-limit"), "{\"processingMillis\":50}").json();
        assertThat(fixed.get("processingMaxMillis").asLong()).as("processingMillis alone: fixed").isEqualTo(50);
        assertThat(fixed.get("processingPerActivity").asBoolean()).as("flags kept").isTrue();
        JsonNode notAbove = http.postJson(api("/operating-time-limit"),
                "{\"processingMillis\":200,\"processingMaxMillis\":100}").json();
        assertThat(notAbove.get("processingMaxMillis").asLong()).as("max not above min: fixed").isEqualTo(200);
    }

    @Test
    void rejectsNegativeOrMalformedOperatingTimeValues() throws Exception {
        OperatingTimeLimit before = sim.control().operatingTimeLimit();
        for (String body : new String[] {"{\"processingMaxMillis\":-1}", "{\"processingMillis\":-5}",
                "{\"limitMillis\":-1}", "{\"processingMaxMillis\":\"lots\"}", "{\"processingPerActivity\":\"yes\"}",
                "{\"holdForProcessing\":1}"}) {
            SimulatorHttpClient.Reply reply = http.postJson(api("/operating-time-limit"), body);
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.error()).isEqualTo("BAD_CONTROL_REQUEST");
            String field = body.substring(2, body.indexOf('"', 2));
            assertThat(reply.description()).as(body).contains(field);
        }
        assertThat(sim.control().operatingTimeLimit()).isEqualTo(before);
    }

    @Test
    void setsTheReplyLatency() throws Exception {
        JsonNode latency = http.postJson(api("/reply-latency"), "{\"minMillis\":550,\"maxMillis\":650}").json();
        assertThat(latency.get("minMillis").asLong()).isEqualTo(550);
        assertThat(latency.get("maxMillis").asLong()).isEqualTo(650);
        assertThat(http.get(api("/state")).json().get("replyLatency")).isEqualTo(latency);
        assertThat(sim.control().replyLatency())
                .isEqualTo(new ReplyLatency(Duration.ofMillis(550), Duration.ofMillis(650)));
        assertThat(http.postJson(api("/reply-latency"), "{\"minMillis\":20}").json().get("maxMillis").asLong())
                .as("maxMillis defaults to minMillis").isEqualTo(20);
        http.postJson(api("/reply-latency"), "{\"minMillis\":0}");
        assertThat(sim.control().replyLatency()).isEqualTo(ReplyLatency.NONE);
    }

    @Test
    void rejectsNegativeMissingOrInvertedReplyLatencies() throws Exception {
        for (String body : new String[] {"{\"minMillis\":-1}", "{\"minMillis\":5,\"maxMillis\":-1}",
                "{\"minMillis\":650,\"maxMillis\":550}", "{\"maxMillis\":100}", "{\"minMillis\":\"slow\"}"}) {
            SimulatorHttpClient.Reply reply = http.postJson(api("/reply-latency"), body);
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.error()).isEqualTo("BAD_CONTROL_REQUEST");
            assertThat(reply.description()).as(body).isNotBlank();
        }
        assertThat(http.postJson(api("/reply-latency"), "{\"minMillis\":650,\"maxMillis\":550}").description())
                .contains("550").contains("650");
        assertThat(sim.control().replyLatency()).isEqualTo(ReplyLatency.NONE);
    }

    @Test
    void managesWebhooksAppsTokensAndCrmAccess() throws Exception {
        http.postJson(api("/webhooks"), "{\"userId\":4,\"code\":\"noscope\",\"scopes\":[\"user\"]}");
        assertThat(http.get(sim.baseUrl() + "/rest/4/noscope/crm.activity.delete?id=1").error())
                .isEqualTo("insufficient_scope");

        http.postJson(api("/oauth/apps"), "{\"clientId\":\"app.http\",\"clientSecret\":\"s\"}");
        JsonNode tokens = http.postJson(api("/oauth/tokens"), "{\"clientId\":\"app.http\",\"userId\":1}").json();
        String access = tokens.get("accessToken").asText();
        assertThat(http.get(sim.baseUrl() + "/rest/profile?auth=" + access).status()).isEqualTo(200);
        http.postJson(api("/oauth/expire-access-tokens"), "{}");
        assertThat(http.get(sim.baseUrl() + "/rest/profile?auth=" + access).error()).isEqualTo("expired_token");

        http.send("PUT", api("/users/1/crm-access"), "{\"canReadCrm\":false}");
        assertThat(http.get(sim.webhookUrl() + "crm.activity.delete?id=1").description()).isEqualTo("Access denied.");
    }

    @Test
    void resetReturnsToTheSeededState() throws Exception {
        http.get(sim.webhookUrl() + "crm.activity.delete?id=1");
        JsonNode state = http.postJson(api("/reset"), "").json();
        assertThat(state.get("activityCount").asLong()).isEqualTo(10);
        assertThat(state.get("calls")).isEmpty();
        assertThat(sim.control().activityExists(1)).isTrue();
    }

    @Test
    void badControlRequestsGetAJsonErrorNotAStackTrace() throws Exception {
        SimulatorHttpClient.Reply notJson = http.postJson(api("/faults"), "{oops");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.error()).isEqualTo("BAD_CONTROL_REQUEST");
        SimulatorHttpClient.Reply badKind = http.postJson(api("/faults"), "{\"kind\":\"meteor\"}");
        assertThat(badKind.status()).isEqualTo(400);
        assertThat(http.get(api("/activities/abc")).status()).isEqualTo(400);
        assertThat(http.postJson(api("/oauth/tokens"), "{\"clientId\":\"nobody\"}").status()).isEqualTo(400);
        SimulatorHttpClient.Reply unknown = http.get(api("/nothing"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).doesNotContain("Exception");
    }
}
