package dev.camelbitrix24.simulator;

import dev.camelbitrix24.simulator.junit.Bitrix24SimulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Malformed requests get the portal's JSON error envelopes, never a stack trace or an empty reply. */
class BadRequestsGetRealErrorBodiesTest {

    @RegisterExtension
    static final Bitrix24SimulatorExtension sim = Bitrix24SimulatorExtension.builder().seed(20).ratePlan(RatePlan.OFF).build();
    private static final SimulatorHttpClient http = new SimulatorHttpClient();

    private static void assertEnvelope(SimulatorHttpClient.Reply reply) {
        assertThat(reply.json()).as(reply.body()).isNotNull();
        assertThat(reply.json().has("error")).isTrue();
        assertThat(reply.json().get("error_description").isTextual()).isTrue();
        assertThat(reply.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(reply.contentType()).startsWith("application/json");
    }

    @Test
    void oddPathsAreMethodNotFound() throws Exception {
        for (String path : List.of("/", "/rest/", "/rest/1/simulator/", "/rest/a/b/c/d", "/rest/1/simulator/crm.activity.delete/x",
                "/favicon.ico", "/rest/%2e%2e/profile",
                "/rest/_simulator/state", "/rest/1/simulator/_simulator")) {
            SimulatorHttpClient.Reply reply = http.get(sim.baseUrl() + path);
            assertThat(reply.status()).as(path).isEqualTo(404);
            assertEnvelope(reply);
        }
    }

    @Test
    void garbageParametersGiveTheCrmErrors() throws Exception {
        for (String query : List.of("id=99999999999999999999999", "ID", "id=\u00e9")) {
            SimulatorHttpClient.Reply reply = http.get(sim.webhookUrl() + "crm.activity.delete?"
                    + query.replace("\u00e9", "%C3%A9"));
            assertThat(reply.status()).as(query).isEqualTo(400);
            assertEnvelope(reply);
        }
    }

    @Test
    void anArrayIdIsCastToOneLikePhpIntval() throws Exception {
        assertThat(http.get(sim.webhookUrl() + "crm.activity.delete?id[]=9").status()).isEqualTo(200);
        assertThat(sim.control().activityExists(1)).isFalse();
        assertThat(sim.control().activityExists(9)).isTrue();
    }

    @Test
    void jsonBodiesOfTheWrongShapeCountAsEmpty() throws Exception {
        for (String body : List.of("[1,2,3]", "42", "\"id\"", "null", "{\"id\":{\"x\":1}}", "{\"id\":[5]}", "")) {
            SimulatorHttpClient.Reply reply = http.postJson(sim.webhookUrl() + "crm.activity.delete", body);
            assertThat(reply.status()).as(body).isIn(200, 400);
            if (reply.status() == 400) {
                assertEnvelope(reply);
            }
        }
    }

    @Test
    void batchWithoutCommandsOrWithNonStringCommandsStillAnswers() throws Exception {
        for (String body : List.of("{}", "{\"cmd\":\"x\"}", "{\"cmd\":{\"a\":{\"b\":1}}}", "{\"cmd\":{\"a\":\"?\"}}")) {
            SimulatorHttpClient.Reply reply = http.postJson(sim.webhookUrl() + "batch", body);
            assertThat(reply.status()).as(body).isEqualTo(200);
            assertThat(reply.json().get("result").has("result_error")).isTrue();
        }
    }

    @Test
    void unsupportedBodyTypeIsIgnoredLikePhpDoes() throws Exception {
        SimulatorHttpClient.Reply reply = http.send(HttpRequest.newBuilder(URI.create(sim.webhookUrl() + "crm.activity.delete"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("id=3")));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.description()).isEqualTo("ID is not defined or invalid.");
    }

    @Test
    void multipartFormFieldsAreRead() throws Exception {
        String boundary = "XyZ";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n4\r\n--" + boundary + "--\r\n";
        SimulatorHttpClient.Reply reply = http.send(HttpRequest.newBuilder(URI.create(sim.webhookUrl() + "crm.activity.delete"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(sim.control().activityExists(4)).isFalse();
    }
}
