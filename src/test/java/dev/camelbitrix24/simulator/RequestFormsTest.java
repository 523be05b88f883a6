package dev.camelbitrix24.simulator;

import dev.camelbitrix24.simulator.junit.Bitrix24SimulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** The URL forms, parameter sources and precedence a real portal accepts (PROTOCOL.md §1). */
class RequestFormsTest {

    @RegisterExtension
    static final Bitrix24SimulatorExtension sim = Bitrix24SimulatorExtension.builder().https().seed(100).ratePlan(RatePlan.OFF).build();
    private static final SimulatorHttpClient http = new SimulatorHttpClient();

    @Test
    void webhookPathAcceptsJsonSuffixTrailingSlashAndAnyCase() throws Exception {
        assertThat(http.get(sim.webhookUrl() + "crm.activity.delete?id=1").status()).isEqualTo(200);
        assertThat(http.get(sim.webhookUrl() + "crm.activity.delete.json?id=2").status()).isEqualTo(200);
        assertThat(http.get(sim.webhookUrl() + "CRM.Activity.Delete/?id=3").status()).isEqualTo(200);
        assertThat(http.get(sim.webhookUrl() + "crm.activity.delete.JSON/?id=4").status()).isEqualTo(200);
        for (long id = 1; id <= 4; id++) {
            assertThat(sim.control().activityExists(id)).isFalse();
        }
        assertThat(sim.control().callCount("crm.activity.delete")).isEqualTo(4);
    }

    @Test
    void formBodyAndJsonBodyBothCarryParameters() throws Exception {
        assertThat(http.postForm(sim.webhookUrl() + "crm.activity.delete", "id=10").status()).isEqualTo(200);
        assertThat(http.postJson(sim.webhookUrl() + "crm.activity.delete", "{\"id\":11}").status()).isEqualTo(200);
        assertThat(http.postJson(sim.webhookUrl() + "crm.activity.delete", "{\"id\":\"12\"}").status()).isEqualTo(200);
        assertThat(sim.control().activityExists(10)).isFalse();
        assertThat(sim.control().activityExists(11)).isFalse();
        assertThat(sim.control().activityExists(12)).isFalse();
    }

    @Test
    void bodyOverridesQuery() throws Exception {
        SimulatorHttpClient.Reply reply = http.postJson(sim.webhookUrl() + "crm.activity.delete?id=20", "{\"id\":21}");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(sim.control().activityExists(21)).isFalse();
        assertThat(sim.control().activityExists(20)).isTrue();
    }

    @Test
    void unparseableJsonBodyCountsAsEmptyAndTheQueryStillApplies() throws Exception {
        SimulatorHttpClient.Reply noId = http.postJson(sim.webhookUrl() + "crm.activity.delete", "{\"id\": 5,,,");
        assertThat(noId.status()).isEqualTo(400);
        assertThat(noId.description()).isEqualTo("ID is not defined or invalid.");
        SimulatorHttpClient.Reply queryId = http.postJson(sim.webhookUrl() + "crm.activity.delete?id=6", "not json");
        assertThat(queryId.status()).isEqualTo(200);
        assertThat(sim.control().activityExists(6)).isFalse();
    }

    @Test
    void unknownMethodIs404BeforeAuthentication() throws Exception {
        SimulatorHttpClient.Reply reply = http.get(sim.baseUrl() + "/rest/1/wrong-code/crm.activity.remove?id=1");
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.error()).isEqualTo("ERROR_METHOD_NOT_FOUND");
        assertThat(reply.description()).isEqualTo("Method not found!");
        assertThat(http.get(sim.baseUrl() + "/rest/nothing.here").error()).isEqualTo("ERROR_METHOD_NOT_FOUND");
        assertThat(sim.control().callCount("crm.activity.remove")).isZero();
    }

    @Test
    void oauthTokenWorksAsAuthParameterAccessTokenParameterAndBearerHeader() throws Exception {
        sim.control().registerOAuthApp("app.forms", "secret");
        TokenPair tokens = sim.control().issueTokens("app.forms", 1);
        assertThat(http.get(sim.baseUrl() + "/rest/crm.activity.delete?id=30&auth=" + tokens.accessToken()).status())
                .isEqualTo(200);
        assertThat(http.postForm(sim.baseUrl() + "/rest/crm.activity.delete.json",
                "id=31&access_token=" + tokens.accessToken()).status()).isEqualTo(200);
        SimulatorHttpClient.Reply bearer = http.send(HttpRequest.newBuilder(
                URI.create(sim.baseUrl() + "/rest/crm.activity.delete?id=32"))
                .header("Authorization", "Bearer " + tokens.accessToken()).GET());
        assertThat(bearer.status()).isEqualTo(200);
        assertThat(sim.control().activityExists(30) || sim.control().activityExists(31)
                || sim.control().activityExists(32)).isFalse();
    }

    @Test
    void httpsWithTheSelfSignedCertificateServesTheSameApi() throws Exception {
        assertThat(sim.httpsBaseUrl()).startsWith("https://127.0.0.1:");
        SimulatorHttpClient https = new SimulatorHttpClient(HttpClient.newBuilder().sslContext(sim.clientSslContext()).build());
        SimulatorHttpClient.Reply reply = https.get(sim.httpsBaseUrl() + "/rest/1/simulator/crm.activity.delete?id=40");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(sim.control().activityExists(40)).isFalse();
    }

    @Test
    void listPagesBy50WithNextAndTotal() throws Exception {
        SimulatorHttpClient.Reply first = http.get(sim.webhookUrl() + "crm.activity.list");
        assertThat(first.json().get("result")).hasSize(50);
        assertThat(first.json().get("total").asInt()).isEqualTo(100);
        assertThat(first.json().get("next").asInt()).isEqualTo(50);
        SimulatorHttpClient.Reply last = http.get(sim.webhookUrl() + "crm.activity.list?start=50");
        assertThat(last.json().get("result")).hasSize(50);
        assertThat(last.json().get("result").get(0).get("ID").asText()).isEqualTo("51");
        assertThat(last.json().has("next")).isFalse();
        SimulatorHttpClient.Reply filtered = http.get(sim.webhookUrl()
                + "crm.activity.list?filter[%3EID]=95&order[ID]=DESC");
        assertThat(filtered.json().get("total").asInt()).isEqualTo(5);
        assertThat(filtered.json().get("result").get(0).get("ID").asText()).isEqualTo("100");
    }

    @Test
    void addThenGetThroughTheRealApi() throws Exception {
        SimulatorHttpClient.Reply added = http.postJson(sim.webhookUrl() + "crm.activity.add",
                "{\"fields\":{\"SUBJECT\":\"Call back\",\"OWNER_TYPE_ID\":2,\"OWNER_ID\":7,\"TYPE_ID\":2}}");
        assertThat(added.status()).isEqualTo(200);
        long id = added.json().get("result").asLong();
        assertThat(id).isEqualTo(101);
        SimulatorHttpClient.Reply got = http.get(sim.webhookUrl() + "crm.activity.get?id=" + id);
        assertThat(got.json().get("result").get("SUBJECT").asText()).isEqualTo("Call back");
        assertThat(got.json().get("result").get("OWNER_ID").asText()).isEqualTo("7");
        SimulatorHttpClient.Reply missing = http.get(sim.webhookUrl() + "crm.activity.get?id=5000");
        assertThat(missing.status()).isEqualTo(400);
        SimulatorHttpClient.Reply noFields = http.postJson(sim.webhookUrl() + "crm.activity.add", "{}");
        assertThat(noFields.description()).isEqualTo("The parameter 'fields' must be array.");
    }

    @Test
    void profileAnswersTheWebhookUser() throws Exception {
        SimulatorHttpClient.Reply reply = http.get(sim.webhookUrl() + "profile");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("result").get("ID").asText()).isEqualTo("1");
        assertThat(reply.json().get("result").get("ADMIN").asBoolean()).isTrue();
    }
}
