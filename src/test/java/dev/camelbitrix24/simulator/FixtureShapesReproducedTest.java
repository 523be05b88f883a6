package dev.camelbitrix24.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static dev.camelbitrix24.simulator.JsonShape.assertSameShape;
import static dev.camelbitrix24.simulator.SimulatorHttpClient.fixture;
import static org.assertj.core.api.Assertions.assertThat;

/** Every fixture of ../shared/bitrix24/fixtures that concerns the simulated methods comes back in the same shape. */
class FixtureShapesReproducedTest {

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

    @Test
    void deleteSuccessHasTheFixtureShapeWithTimeAndOperating() throws Exception {
        SimulatorHttpClient.Reply reply = http.get(sim.webhookUrl() + "crm.activity.delete?id=5");
        assertThat(reply.status()).isEqualTo(200);
        assertSameShape(fixture("crm_activity_delete_success_200.json"), reply.json());
        assertThat(reply.json().get("result").booleanValue()).isTrue();
    }

    @Test
    void deleteErrorHasTheFixtureShapeWithAnEmptyErrorCode() throws Exception {
        sim.control().setCrmAccess(1, false);
        SimulatorHttpClient.Reply reply = http.get(sim.webhookUrl() + "crm.activity.delete?id=5");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json()).isEqualTo(fixture("crm_activity_delete_error_400.json"));
    }

    @Test
    void invalidIdIsTheFixtureBodyExactly() throws Exception {
        SimulatorHttpClient.Reply reply = http.get(sim.webhookUrl() + "crm.activity.delete?id=abc");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json()).isEqualTo(fixture("crm_deal_delete_id_invalid_400.json"));
    }

    @Test
    void everyErrorUsesTheGenericEnvelope() throws Exception {
        SimulatorHttpClient.Reply reply = http.get(sim.webhookUrl() + "no.such.method");
        assertSameShape(fixture("error_envelope_generic.json"), reply.json());
    }

    @Test
    void timeObjectHasEveryFieldOfTheFullFixture() throws Exception {
        SimulatorHttpClient.Reply reply = http.get(sim.webhookUrl() + "profile");
        JsonNode full = fixture("time_object_full.json");
        // strict on the time object itself: exactly the keys and types of the full fixture
        com.fasterxml.jackson.databind.node.ObjectNode wrapper = SimulatorHttpClient.MAPPER.createObjectNode();
        wrapper.set("t", reply.json().get("time"));
        com.fasterxml.jackson.databind.node.ObjectNode expected = SimulatorHttpClient.MAPPER.createObjectNode();
        expected.set("t", full.get("time"));
        assertSameShape(expected, wrapper);
    }

    @Test
    void userCurrentHasTheWebhookFixtureShape() throws Exception {
        SimulatorHttpClient.Reply reply = http.get(sim.webhookUrl() + "user.current");
        assertThat(reply.status()).isEqualTo(200);
        assertSameShape(fixture("user_current_webhook_200.json"), reply.json());
    }

    @Test
    void listHasResultNextTotalAndTime() throws Exception {
        SimulatorHttpClient.Reply reply = http.get(sim.webhookUrl() + "crm.activity.list");
        JsonNode expected = fixture("list_envelope_next_total_200.json");
        assertThat(reply.json().fieldNames()).toIterable().containsExactlyInAnyOrderElementsOf(
                () -> expected.fieldNames());
        assertThat(reply.json().get("result").isArray()).isTrue();
        assertThat(reply.json().get("next").isNumber()).isTrue();
        assertThat(reply.json().get("total").isNumber()).isTrue();
        assertSameShape(wrapTime(expected.get("time")), wrapTime(reply.json().get("time")));
    }

    @Test
    void batchWithScopeErrorsMatchesTheHaltZeroFixture() throws Exception {
        sim.control().addWebhook(1, "crmonly", Set.of("crm"));
        String url = sim.baseUrl() + "/rest/1/crmonly/batch";
        SimulatorHttpClient.Reply reply = http.postJson(url,
                "{\"halt\":0,\"cmd\":{\"get_user\":\"user.current\",\"get_department\":\"user.current\"}}");
        assertThat(reply.status()).isEqualTo(200);
        JsonNode expected = fixture("batch_error_halt0_200.json");
        assertSameShape(expected, reply.json());
        assertThat(reply.json().get("result").get("result_error")).isEqualTo(expected.get("result").get("result_error"));
    }

    @Test
    void batchWithHaltStopsAtTheFirstErrorLikeTheHaltOneFixture() throws Exception {
        sim.control().addWebhook(1, "crmonly", Set.of("crm"));
        String url = sim.baseUrl() + "/rest/1/crmonly/batch";
        SimulatorHttpClient.Reply reply = http.postJson(url,
                "{\"halt\":1,\"cmd\":{\"get_user\":\"user.current\",\"get_department\":\"user.current\"}}");
        JsonNode expected = fixture("batch_error_halt1_200.json");
        assertSameShape(expected, reply.json());
        assertThat(reply.json().get("result")).isEqualTo(expected.get("result"));
    }

    @Test
    void batchSuccessHasTheFixtureEnvelope() throws Exception {
        SimulatorHttpClient.Reply reply = http.postJson(sim.webhookUrl() + "batch",
                "{\"halt\":0,\"cmd\":{\"get_user\":\"user.current\",\"get_list\":\"crm.activity.list?filter[ID]=3\"}}");
        JsonNode expected = fixture("batch_success_200.json");
        JsonNode result = reply.json().get("result");
        // the envelope: same keys and types; the per-command values differ by method
        assertThat(result.fieldNames()).toIterable()
                .containsExactlyElementsOf(() -> expected.get("result").fieldNames());
        assertThat(result.get("result_error").isArray() && result.get("result_error").isEmpty()).isTrue();
        assertThat(result.get("result_next").isArray() && result.get("result_next").isEmpty()).isTrue();
        assertThat(result.get("result_total").get("get_list").intValue()).isEqualTo(1);
        assertSameShape(wrap(((com.fasterxml.jackson.databind.node.ObjectNode) expected.get("result").get("result").get("get_user")).deepCopy()
                .retain("ID", "ACTIVE", "NAME", "LAST_NAME")), wrap(result.get("result").get("get_user")));
        assertSameShape(wrapTime(expected.get("result").get("result_time").get("get_user")),
                wrapTime(result.get("result_time").get("get_user")));
        assertSameShape(wrapTime(expected.get("time")), wrapTime(reply.json().get("time")));
    }

    @Test
    void queryLimitReplyIsTheFixtureBodyExactly() throws Exception {
        sim.control().setRatePlan(RatePlan.custom(1, 0.001));
        http.get(sim.webhookUrl() + "profile");
        SimulatorHttpClient.Reply reply = http.get(sim.webhookUrl() + "profile");
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.json()).isEqualTo(fixture("query_limit_exceeded_503.json"));
    }

    @Test
    void wrongWebhookCodeIsTheInvalidCredentialsFixtureBody() throws Exception {
        SimulatorHttpClient.Reply reply = http.get(sim.baseUrl() + "/rest/1/wrongcode/profile");
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json()).isEqualTo(fixture("invalid_credentials_error.json"));
    }

    @Test
    void tokenRefreshHasTheFixtureShape() throws Exception {
        sim.control().registerOAuthApp("app.1", "secret");
        TokenPair tokens = sim.control().issueTokens("app.1", 67);
        SimulatorHttpClient.Reply reply = http.get(sim.oauthTokenUrl() + "?grant_type=refresh_token&client_id=app.1"
                + "&client_secret=secret&refresh_token=" + tokens.refreshToken());
        assertThat(reply.status()).isEqualTo(200);
        assertSameShape(fixture("oauth_token_refresh_200.json"), reply.json());
        assertThat(reply.json().get("user_id").intValue()).isEqualTo(67);
    }

    /** Under the key "time", where the fixtures may lack operating/operating_reset_at. */
    private static JsonNode wrapTime(JsonNode node) {
        com.fasterxml.jackson.databind.node.ObjectNode wrapper = SimulatorHttpClient.MAPPER.createObjectNode();
        wrapper.set("time", node);
        return wrapper;
    }

    private static JsonNode wrap(JsonNode node) {
        com.fasterxml.jackson.databind.node.ObjectNode wrapper = SimulatorHttpClient.MAPPER.createObjectNode();
        wrapper.set("value", node);
        return wrapper;
    }
}
