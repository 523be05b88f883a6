package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.simulator.ActivitySpec;
import dev.camelbitrix24.simulator.FaultSpec;
import dev.camelbitrix24.simulator.SimulatorControl;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mixed stream through the real routes, the real component and the simulator over HTTP: every request ends with
 * exactly one outcome, on the topic its answer belongs to, with the contract's headers and value; malformed requests
 * never reach Bitrix24 (the simulator's call counter equals the attempts the outcomes report).
 */
class MixedStreamOutcomesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    /** One request of the stream: its key, value, and where it must end. */
    private record Case(String key, byte[] value, String topic, String outcome) {
    }

    @Test
    void everyRequestEndsOnceOnTheTopicOfItsAnswer() throws Exception {
        // one partition: requests are called in the order sent, so the injected server errors hit known requests
        PipelineTopics t = env.newTopics("mixed", 1);
        SimulatorControl control = env.simulator.control();
        long deniedId = control.addActivity(ActivitySpec.plain().deletableOnlyBy(2));
        long appId = control.addActivity(ActivitySpec.plain().ownedByApp("other.app"));
        // "broken" gets three 500s (all its attempts, so the dead-letter topic), "flaky" the fourth (retried, deleted);
        // the pipeline batches concurrent deletes, so each is sent alone below, and the faults hit its batch
        control.injectFault(FaultSpec.internalServerError().times(4).onMethod("batch"));

        List<Case> cases = new ArrayList<>();
        cases.add(new Case("broken", utf8("{\"id\":20,\"requestId\":\"broken\"}"), t.deadLetter(), "SERVER_ERROR"));
        cases.add(new Case("flaky", utf8("{\"id\":21,\"requestId\":\"flaky\"}"), t.succeeded(), "DELETED"));
        for (int i = 1; i <= 8; i++) {
            cases.add(new Case("valid-" + i, utf8("{\"id\":" + i + ",\"requestId\":\"valid-" + i + "\"}"), t.succeeded(), "DELETED"));
        }
        cases.add(new Case("valid-string", utf8("{\"id\":\"9\",\"requestId\":\"valid-string\",\"note\":\"ignored\"}"),
                t.succeeded(), "DELETED"));
        for (int i = 1; i <= 3; i++) {
            cases.add(new Case("gone-" + i, utf8("{\"id\":" + (900_000 + i) + ",\"requestId\":\"gone-" + i + "\"}"),
                    t.notFound(), "NOT_FOUND"));
        }
        cases.add(new Case("denied", utf8("{\"id\":" + deniedId + ",\"requestId\":\"denied\"}"), t.rejected(), "ACCESS_DENIED"));
        cases.add(new Case("app-context", utf8("{\"id\":" + appId + ",\"requestId\":\"app-context\"}"), t.rejected(),
                "APPLICATION_CONTEXT_REQUIRED"));
        String[][] malformed = {{"not-json", "id=5"}, {"no-id", "{\"requestId\":\"no-id\"}"}, {"zero", "{\"id\":0}"},
            {"negative", "{\"id\":-3}"}, {"fraction", "{\"id\":2.5}"}, {"injection", "{\"id\":\"5&id=7\"}"},
            {"array", "[1]"}, {"empty", ""}};
        for (String[] m : malformed) {
            cases.add(new Case(m[0], utf8(m[1]), t.invalid(), "INVALID_REQUEST"));
        }
        cases.add(new Case("tombstone", null, t.invalid(), "INVALID_REQUEST"));

        long callsBefore = control.callCount("crm.activity.delete");
        Map<String, RecordMetadata> sent = new LinkedHashMap<>();
        List<Outcome> outcomes;
        try (Pipeline pipeline = Pipeline.start(env.settings(t, "mixed-group"))) {
            for (Case c : cases) {
                sent.put(c.key(), env.kafka.send(t.requests(), null, c.key(), c.value(), Map.of("trace-id", "trace-" + c.key())));
                if (c.key().equals("broken") || c.key().equals("flaky")) {
                    env.awaitOutcomes(t, sent.size(), Duration.ofSeconds(60));
                }
            }
            outcomes = env.awaitOutcomes(t, cases.size(), Duration.ofSeconds(90));
        }

        Map<String, List<Outcome>> byKey = outcomes.stream().collect(Collectors.groupingBy(Outcome::key));
        assertThat(outcomes).hasSize(cases.size());
        long attempts = 0;
        for (Case c : cases) {
            assertThat(byKey.get(c.key())).as(c.key()).hasSize(1);
            Outcome o = byKey.get(c.key()).get(0);
            RecordMetadata request = sent.get(c.key());
            assertThat(o.topic()).as(c.key()).isEqualTo(c.topic());
            assertThat(o.header(OutcomeHeaders.OUTCOME)).as(c.key()).isEqualTo(c.outcome());
            assertThat(o.header("trace-id")).as("the request's own header").isEqualTo("trace-" + c.key());
            assertThat(o.header(OutcomeHeaders.ORIGINAL_TOPIC)).isEqualTo(t.requests());
            assertThat(o.header(OutcomeHeaders.ORIGINAL_PARTITION)).isEqualTo(String.valueOf(request.partition()));
            assertThat(o.header(OutcomeHeaders.ORIGINAL_OFFSET)).isEqualTo(String.valueOf(request.offset()));
            assertThat(o.header(OutcomeHeaders.ORIGINAL_TIMESTAMP)).isEqualTo(String.valueOf(request.timestamp()));
            attempts += Long.parseLong(o.header(OutcomeHeaders.ATTEMPTS));
            if (c.topic().equals(t.succeeded())) {
                JsonNode value = JSON.readTree(o.record().value());
                assertThat(value.get("outcome").asText()).isEqualTo("DELETED");
                assertThat(value.get("requestId").asText()).isEqualTo(c.key());
                assertThat(value.get("attempts").asInt()).isEqualTo(Integer.parseInt(o.header(OutcomeHeaders.ATTEMPTS)));
                assertThat(o.header(OutcomeHeaders.REQUEST_ID)).isEqualTo(c.key());
                assertThat(o.header(OutcomeHeaders.HTTP_STATUS)).isEqualTo("200");
                assertThat(o.header(OutcomeHeaders.ERROR_CODE)).isNull();
                assertThat(o.header(OutcomeHeaders.ERROR_DESCRIPTION)).isNull();
                assertThat(env.simulator.control().activityExists(value.get("id").asLong())).isFalse();
            } else {
                assertThat(o.record().value()).as("original bytes of %s", c.key()).isEqualTo(c.value());
                assertThat(o.header(OutcomeHeaders.ERROR_DESCRIPTION)).as(c.key()).isNotBlank();
            }
            if (c.topic().equals(t.invalid())) {
                assertThat(o.header(OutcomeHeaders.ATTEMPTS)).isEqualTo("0");
                assertThat(o.header(OutcomeHeaders.HTTP_STATUS)).isNull();
                assertThat(o.header(OutcomeHeaders.ERROR_CODE)).isNull();
            }
        }
        Outcome gone = byKey.get("gone-1").get(0);
        assertThat(gone.header(OutcomeHeaders.ERROR_CODE)).isEmpty();
        assertThat(gone.header(OutcomeHeaders.ERROR_DESCRIPTION)).startsWith("Activity is not found");
        assertThat(gone.header(OutcomeHeaders.HTTP_STATUS)).isEqualTo("400");
        assertThat(gone.header(OutcomeHeaders.REQUEST_ID)).isEqualTo("gone-1");
        assertThat(byKey.get("denied").get(0).header(OutcomeHeaders.ERROR_DESCRIPTION)).startsWith("Access denied");
        assertThat(byKey.get("broken").get(0).header(OutcomeHeaders.ATTEMPTS)).isEqualTo("3");
        assertThat(byKey.get("flaky").get(0).header(OutcomeHeaders.ATTEMPTS)).isEqualTo("2");
        assertThat(byKey.get("no-id").get(0).header(OutcomeHeaders.REQUEST_ID)).isEqualTo("no-id");
        assertThat(byKey.get("tombstone").get(0).record().value()).isNull();
        // malformed requests cost no call: every delete the simulator ran is an attempt some outcome reports, and the
        // four attempts refused with the whole batch (500 before any command ran) are the rest
        assertThat(control.callCount("crm.activity.delete") - callsBefore).isEqualTo(attempts - 4);
        assertThat(control.activityExists(20)).as("the dead-lettered activity is still there").isTrue();
        assertThat(control.activityExists(deniedId)).isTrue();
        assertThat(control.activityExists(appId)).isTrue();
        assertThat(control.activeFaults()).isEmpty();
    }

    @Test
    void withNotFoundAsSuccessAnAlreadyGoneActivityCountsAsDeleted() throws Exception {
        PipelineTopics t = env.newTopics("not-found-as-success", 1);
        env.kafka.send(t.requests(), null, "gone", utf8("{\"id\":950001,\"requestId\":\"gone\"}"), Map.of());
        env.kafka.send(t.requests(), null, "there", utf8("{\"id\":950,\"requestId\":\"there\"}"), Map.of());
        Map<String, String> settings = env.settings(t, "nf-group");
        settings.put("bitrix24.not-found-as-success", "true");
        try (Pipeline pipeline = Pipeline.start(settings)) {
            env.awaitOutcomes(t, 2, Duration.ofSeconds(60));
        }
        List<Outcome> outcomes = env.outcomes(t);
        assertThat(outcomes).hasSize(2).allSatisfy(o -> {
            assertThat(o.topic()).isEqualTo(t.succeeded());
            assertThat(o.header(OutcomeHeaders.OUTCOME)).isEqualTo("DELETED");
        });
        Outcome gone = outcomes.stream().filter(o -> o.key().equals("gone")).findFirst().orElseThrow();
        JsonNode value = JSON.readTree(gone.record().value());
        assertThat(value.get("notFound").asBoolean()).isTrue();
        assertThat(value.get("id").asLong()).isEqualTo(950001);
        assertThat(gone.header(OutcomeHeaders.ERROR_CODE)).isNull();
        Outcome there = outcomes.stream().filter(o -> o.key().equals("there")).findFirst().orElseThrow();
        assertThat(JSON.readTree(there.record().value()).has("notFound")).isFalse();
    }
}
