package dev.camelbitrix24.simulator;

import dev.camelbitrix24.simulator.junit.Bitrix24SimulatorExtension;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** batch: command parsing exactly like the real server (injection included), keys, halt, limits, substitution. */
class BatchTest {

    @RegisterExtension
    static final Bitrix24SimulatorExtension sim = Bitrix24SimulatorExtension.builder().seed(200).ratePlan(RatePlan.OFF).build();
    private static final SimulatorHttpClient http = new SimulatorHttpClient();

    private JsonNode batch(String json) throws Exception {
        SimulatorHttpClient.Reply reply = http.postJson(sim.webhookUrl() + "batch", json);
        assertThat(reply.status()).isEqualTo(200);
        return reply.json().get("result");
    }

    @Test
    void injectedSecondIdWinsSo5And7Deletes7() throws Exception {
        // a client that builds "crm.activity.delete?id=" + raw with raw = "5&id=7"
        JsonNode result = batch("{\"halt\":0,\"cmd\":{\"d\":\"crm.activity.delete?id=5&id=7\"}}");
        assertThat(result.get("result").get("d").asBoolean()).isTrue();
        assertThat(sim.control().activityExists(7)).isFalse();
        assertThat(sim.control().activityExists(5)).isTrue();
    }

    @Test
    void upperCaseIdInsideACommandWinsOverLowerCase() throws Exception {
        batch("{\"cmd\":{\"d\":\"crm.activity.delete?ID=8&id=9\"}}");
        assertThat(sim.control().activityExists(8)).isFalse();
        assertThat(sim.control().activityExists(9)).isTrue();
    }

    @Test
    void hashCutsTheCommand() throws Exception {
        batch("{\"cmd\":{\"d\":\"crm.activity.delete?id=10#&id=11\"}}");
        assertThat(sim.control().activityExists(10)).isFalse();
        assertThat(sim.control().activityExists(11)).isTrue();
    }

    @Test
    void urlEncodedValueIsNotInjected() throws Exception {
        JsonNode result = batch("{\"cmd\":{\"d\":\"crm.activity.delete?id=" + SimulatorHttpClient.enc("12&id=13") + "\"}}");
        // "12&id=13" decoded as ONE value: intval gives 12, 13 is untouched
        assertThat(result.get("result").get("d").asBoolean()).isTrue();
        assertThat(sim.control().activityExists(12)).isFalse();
        assertThat(sim.control().activityExists(13)).isTrue();
    }

    @Test
    void errorsAreKeyedLikeTheRequestAndEmptyCollectionsAreArrays() throws Exception {
        JsonNode result = batch("{\"halt\":0,\"cmd\":{\"ok\":\"crm.activity.delete?id=20\","
                + "\"gone\":\"crm.activity.delete?id=9999\",\"bad\":\"crm.activity.delete?id=x\"}}");
        assertThat(result.get("result").get("ok").asBoolean()).isTrue();
        assertThat(result.get("result_error").get("gone").get("error").asText()).isEmpty();
        assertThat(result.get("result_error").get("gone").get("error_description").asText())
                .isEqualTo("Activity is not found.");
        assertThat(result.get("result_error").get("bad").get("error_description").asText())
                .isEqualTo("ID is not defined or invalid.");
        assertThat(result.get("result_total").isArray() && result.get("result_total").isEmpty()).isTrue();
        assertThat(result.get("result_next").isArray() && result.get("result_next").isEmpty()).isTrue();
        JsonNode time = result.get("result_time").get("ok");
        assertThat(time.has("operating")).isTrue();
        assertThat(time.has("operating_reset_at")).isTrue();
        assertThat(result.get("result_time").has("gone")).isFalse();
    }

    @Test
    void haltStopsAtTheFirstFailingCommand() throws Exception {
        JsonNode result = batch("{\"halt\":1,\"cmd\":{\"a\":\"crm.activity.delete?id=21\","
                + "\"b\":\"crm.activity.delete?id=9999\",\"c\":\"crm.activity.delete?id=22\"}}");
        assertThat(result.get("result").has("a")).isTrue();
        assertThat(result.get("result_error").has("b")).isTrue();
        assertThat(sim.control().activityExists(22)).isTrue();
        assertThat(sim.control().callCount("crm.activity.delete")).isEqualTo(2);
    }

    @Test
    void formEncodedHaltFalseIsTruthyLikePhp() throws Exception {
        String form = "halt=false&cmd[a]=" + SimulatorHttpClient.enc("crm.activity.delete?id=9999")
                + "&cmd[b]=" + SimulatorHttpClient.enc("crm.activity.delete?id=23");
        SimulatorHttpClient.Reply reply = http.postForm(sim.webhookUrl() + "batch", form);
        assertThat(reply.json().get("result").get("result_error").has("a")).isTrue();
        assertThat(sim.control().activityExists(23)).isTrue();
    }

    @Test
    void commandsPast50FailWithBatchLengthExceeded() throws Exception {
        String cmd = IntStream.rangeClosed(1, 52)
                .mapToObj(i -> "\"c" + i + "\":\"crm.activity.delete?id=" + i + "\"")
                .collect(Collectors.joining(","));
        JsonNode result = batch("{\"halt\":0,\"cmd\":{" + cmd + "}}");
        assertThat(result.get("result")).hasSize(50);
        assertThat(result.get("result_error").get("c51").get("error").asText()).isEqualTo("ERROR_BATCH_LENGTH_EXCEEDED");
        assertThat(result.get("result_error").get("c52").get("error").asText()).isEqualTo("ERROR_BATCH_LENGTH_EXCEEDED");
        assertThat(sim.control().activityExists(51)).isTrue();
        assertThat(sim.control().activityExists(50)).isFalse();
    }

    @Test
    void nestedBatchIsRefused() throws Exception {
        JsonNode result = batch("{\"cmd\":{\"inner\":\"batch?cmd[x]=profile\"}}");
        assertThat(result.get("result_error").get("inner").get("error").asText()).isEqualTo("ERROR_BATCH_METHOD_NOT_ALLOWED");
        assertThat(result.get("result_error").get("inner").get("error_description").asText())
                .isEqualTo("Method is not allowed for batch usage");
    }

    @Test
    void unknownMethodInsideABatchIsAPerCommandError() throws Exception {
        JsonNode result = batch("{\"cmd\":{\"x\":\"crm.nothing?id=1\"}}");
        assertThat(result.get("result_error").get("x").get("error").asText()).isEqualTo("ERROR_METHOD_NOT_FOUND");
    }

    @Test
    void resultReferencesAreSubstituted() throws Exception {
        JsonNode result = batch("{\"halt\":1,\"cmd\":{"
                + "\"add\":\"crm.activity.add?fields[SUBJECT]=chained&fields[OWNER_ID]=3\","
                + "\"get\":\"crm.activity.get?id=$result[add]\","
                + "\"del\":\"crm.activity.delete?id=$result[get][ID]\"}}");
        long id = result.get("result").get("add").asLong();
        assertThat(result.get("result").get("get").get("SUBJECT").asText()).isEqualTo("chained");
        assertThat(result.get("result").get("del").asBoolean()).isTrue();
        assertThat(sim.control().activityExists(id)).isFalse();
    }

    @Test
    void listInsideABatchFillsTotalAndNext() throws Exception {
        JsonNode result = batch("{\"cmd\":{\"l\":\"crm.activity.list\"}}");
        assertThat(result.get("result").get("l")).hasSize(50);
        assertThat(result.get("result_total").get("l").asInt()).isEqualTo(200);
        assertThat(result.get("result_next").get("l").asInt()).isEqualTo(50);
    }

    @Test
    void commandListWithoutKeysComesBackAsArrays() throws Exception {
        JsonNode result = batch("{\"cmd\":[\"crm.activity.delete?id=30\",\"crm.activity.delete?id=31\"]}");
        assertThat(result.get("result").isArray()).isTrue();
        assertThat(result.get("result")).hasSize(2);
        assertThat(result.get("result_time").isArray()).isTrue();
    }

    @Test
    void eachCommandIsCountedUnderItsOwnMethodAndTheBatchCostsOneRequest() throws Exception {
        sim.control().setRatePlan(RatePlan.custom(2, 0.01));
        List<String> commands = new ArrayList<>();
        for (int i = 40; i < 50; i++) {
            commands.add("\"c" + i + "\":\"crm.activity.delete?id=" + i + "\"");
        }
        batch("{\"cmd\":{" + String.join(",", commands) + "}}");
        assertThat(sim.control().callCount("batch")).isEqualTo(1);
        assertThat(sim.control().callCount("crm.activity.delete")).isEqualTo(10);
        // a bucket of 2: the batch of 10 used one, so one more request still passes
        assertThat(http.get(sim.webhookUrl() + "profile").status()).isEqualTo(200);
        assertThat(http.get(sim.webhookUrl() + "profile").status()).isEqualTo(503);
    }
}
