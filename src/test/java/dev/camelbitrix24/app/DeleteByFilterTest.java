package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.simulator.ActivitySpec;
import dev.camelbitrix24.simulator.SimulatorControl;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Filter requests through the real routes, the real component and the simulator over HTTP: filters selecting 0, 1,
 * 50, 51 and 130 activities between id requests; each selected activity DELETED once with its own outcome pointing back
 * at its filter request, one summary per filter request after them with the right counts, and nothing outside the
 * filters touched; a dry run; invalid filters; a filter some of whose deletes are refused.
 */
class DeleteByFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();
    /** One pipeline for the class (each start costs seconds of group joining); each test has keys of its own. */
    private static PipelineTopics t;
    private static Pipeline pipeline;
    private static int sent;

    @BeforeAll
    static void startPipeline() {
        t = env.newTopics("filter", 1);
        Map<String, String> settings = env.settings(t, "filter-group");
        settings.put("bitrix24.consumer.poll-timeout-ms", "50");
        pipeline = Pipeline.start(settings);
    }

    @AfterAll
    static void stopPipeline() throws Exception {
        pipeline.close();
    }

    private static RecordMetadata send(String key, String value, Map<String, String> headers) throws Exception {
        sent++;
        return env.kafka.send(t.requests(), null, key, utf8(value), headers);
    }

    /** The outcomes of these keys, once there are {@code count}, and a moment later (a second one would show). */
    private static List<Outcome> outcomesOf(Set<String> keys, int count) throws InterruptedException {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> env.outcomes(t).stream().filter(o -> keys.contains(o.key())).count() >= count);
        Thread.sleep(300);
        // everything sent so far has its outcome: the commit is past it
        await().atMost(Duration.ofSeconds(10)).until(() -> env.kafka.committed("filter-group", t.requests()).values()
                .stream().mapToLong(Long::longValue).sum() == sent);
        return env.outcomes(t).stream().filter(o -> keys.contains(o.key())).toList();
    }

    /** One filter request of the stream: its owner (a contact), how many activities it owns, the request. */
    private record Case(String key, long contact, int count, RecordMetadata sent) {
    }

    @Test
    void everySelectedActivityIsDeletedOnceThenTheSummaryCountsThem() throws Exception {
        // one partition: the filters run one after the other, the id requests between them are not held up
        SimulatorControl control = env.simulator.control();
        int[] counts = {0, 1, 50, 51, 130};
        Map<Long, Long> firstIds = new HashMap<>();
        List<Long> bystanders = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            long contact = 4200 + i;
            if (counts[i] > 0) {
                firstIds.put(contact, control.addActivities(ActivitySpec.plain().owner(3, contact), counts[i]));
            }
            // the same owner id on a deal, and a neighbouring contact: outside the filter
            bystanders.add(control.addActivity(ActivitySpec.plain().owner(2, contact)));
            bystanders.add(control.addActivity(ActivitySpec.plain().owner(3, contact + 100)));
        }
        long listsBefore = control.callCount("crm.activity.list");

        List<Case> cases = new ArrayList<>();
        List<String> idKeys = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < counts.length; i++) {
            long contact = 4200 + i;
            String key = "erase-" + contact;
            RecordMetadata request = send(key, "{\"filter\":{\"OWNER_TYPE_ID\":3,\"OWNER_ID\":" + contact
                    + "},\"requestId\":\"" + key + "\"}", Map.of("trace-id", "t-" + key));
            cases.add(new Case(key, contact, counts[i], request));
            // an id request behind each filter request: it is not held up by the filter
            String idKey = "id-" + i;
            send(idKey, "{\"id\":" + (i + 1) + ",\"requestId\":\"" + idKey + "\"}", Map.of());
            idKeys.add(idKey);
            keys.add(key);
            keys.add(idKey);
        }
        // 232 per-activity outcomes, 5 summaries, 5 id outcomes
        List<Outcome> outcomes = outcomesOf(keys, 242);
        assertThat(outcomes).hasSize(242);
        for (String idKey : idKeys) {
            assertThat(outcomes.stream().filter(o -> o.key().equals(idKey))).singleElement()
                    .satisfies(o -> assertThat(o.header(OutcomeHeaders.OUTCOME)).isEqualTo("DELETED"));
        }
        for (Case c : cases) {
            List<Outcome> mine = outcomes.stream().filter(o -> o.key().equals(c.key())).toList();
            List<Outcome> activities = mine.stream()
                    .filter(o -> OutcomeHeaders.FILTER_ACTIVITY.equals(o.header(OutcomeHeaders.FILTER))).toList();
            List<Outcome> summaries = mine.stream()
                    .filter(o -> OutcomeHeaders.FILTER_SUMMARY.equals(o.header(OutcomeHeaders.FILTER))).toList();
            assertThat(summaries).as(c.key()).hasSize(1);
            assertThat(activities).as(c.key()).hasSize(c.count());
            assertThat(mine).hasSize(c.count() + 1);
            // every activity once, each on the succeeded topic, pointing back at the filter request
            Map<Long, Long> perActivity = activities.stream().collect(Collectors.groupingBy(
                    o -> Long.parseLong(o.header(OutcomeHeaders.FILTER_ACTIVITY_ID)), Collectors.counting()));
            assertThat(perActivity).hasSize(c.count()).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
            for (Outcome o : activities) {
                assertThat(o.topic()).isEqualTo(t.succeeded());
                assertThat(o.header(OutcomeHeaders.OUTCOME)).isEqualTo("DELETED");
                assertThat(o.header(OutcomeHeaders.REQUEST_ID)).isEqualTo(c.key());
                assertThat(o.header(OutcomeHeaders.ORIGINAL_OFFSET)).isEqualTo(String.valueOf(c.sent().offset()));
                assertThat(o.header(OutcomeHeaders.ORIGINAL_TOPIC)).isEqualTo(t.requests());
                assertThat(o.header("trace-id")).isEqualTo("t-" + c.key());
                JsonNode value = JSON.readTree(o.value());
                assertThat(value.get("id").asLong()).isEqualTo(Long.parseLong(o.header(OutcomeHeaders.FILTER_ACTIVITY_ID)));
                assertThat(value.get("requestId").asText()).isEqualTo(c.key());
            }
            Outcome summary = summaries.get(0);
            assertThat(summary.topic()).isEqualTo(t.succeeded());
            assertThat(summary.header(OutcomeHeaders.OUTCOME)).isEqualTo(OutcomeHeaders.FILTERED);
            assertThat(summary.header(OutcomeHeaders.ORIGINAL_OFFSET)).isEqualTo(String.valueOf(c.sent().offset()));
            assertThat(summary.record().offset()).as("the summary comes after every outcome of its activities")
                    .isGreaterThan(activities.stream().mapToLong(o -> o.record().offset()).max().orElse(-1));
            assertThat(JSON.readTree(summary.value())).isEqualTo(JSON.readTree("{\"requestId\":\"" + c.key()
                    + "\",\"filter\":{\"OWNER_TYPE_ID\":3,\"OWNER_ID\":" + c.contact() + "},\"matched\":" + c.count()
                    + ",\"deleted\":" + c.count() + ",\"notFound\":0,\"failed\":0}"));
            Long first = firstIds.get(c.contact());
            for (int i = 0; i < c.count(); i++) {
                assertThat(control.activityExists(first + i)).isFalse();
            }
        }
        assertThat(bystanders).allSatisfy(id -> assertThat(control.activityExists(id)).as("bystander " + id).isTrue());
        // pages: 0 -> 1, 1 -> 1, 50 -> 2 (a full page, then an empty one), 51 -> 2, 130 -> 3
        assertThat(control.callCount("crm.activity.list") - listsBefore).isEqualTo(9);
    }

    @Test
    void aDryRunCountsInvalidFiltersListNothingAndRefusedDeletesMakeADeadLetterSummary() throws Exception {
        SimulatorControl control = env.simulator.control();
        long dry = control.addActivities(ActivitySpec.plain().owner(4, 77).type(2), 70);
        control.addActivities(ActivitySpec.plain().owner(4, 77).type(6), 5);
        long deletable = control.addActivities(ActivitySpec.plain().owner(1, 9), 3);
        long denied = control.addActivities(ActivitySpec.plain().owner(1, 9).deletableOnlyBy(2), 2);
        Map<String, String> invalid = Map.of(
                "empty", "{\"filter\":{},\"requestId\":\"empty\"}",
                "unknown-field", "{\"filter\":{\"TITLE\":\"x\"},\"requestId\":\"unknown-field\"}",
                "unknown-operator", "{\"filter\":{\"%OWNER_ID\":1}}",
                "not-an-object", "{\"filter\":[1]}",
                "both", "{\"filter\":{\"OWNER_ID\":1},\"id\":5}",
                "dry-run-text", "{\"filter\":{\"OWNER_ID\":1},\"dryRun\":\"yes\"}");
        long listsBefore = control.callCount("crm.activity.list");
        for (Map.Entry<String, String> c : invalid.entrySet()) {
            send(c.getKey(), c.getValue(), Map.of());
        }
        outcomesOf(invalid.keySet(), invalid.size());
        assertThat(control.callCount("crm.activity.list")).as("an invalid filter lists nothing").isEqualTo(listsBefore);
        send("dry", "{\"filter\":{\"OWNER_TYPE_ID\":4,\"OWNER_ID\":77,\"TYPE_ID\":2},\"requestId\":\"dry\","
                + "\"dryRun\":true}", Map.of());
        send("lead-9", "{\"filter\":{\"OWNER_TYPE_ID\":1,\"OWNER_ID\":9},\"requestId\":\"lead-9\"}", Map.of());
        Set<String> keys = new HashSet<>(invalid.keySet());
        keys.add("dry");
        keys.add("lead-9");
        List<Outcome> outcomes = outcomesOf(keys, invalid.size() + 1 + 6);
        assertThat(outcomes).hasSize(invalid.size() + 1 + 6);

        List<Outcome> invalidOutcomes = outcomes.stream().filter(o -> invalid.containsKey(o.key())).toList();
        assertThat(invalidOutcomes).hasSize(invalid.size()).allSatisfy(o -> {
            assertThat(o.topic()).isEqualTo(t.invalid());
            assertThat(o.header(OutcomeHeaders.OUTCOME)).isEqualTo("INVALID_REQUEST");
            assertThat(o.header(OutcomeHeaders.ERROR_DESCRIPTION)).isNotBlank();
            assertThat(o.value()).isEqualTo(invalid.get(o.key()));
        });
        assertThat(invalidOutcomes.stream().filter(o -> o.key().equals("unknown-field")).findFirst().orElseThrow()
                .header(OutcomeHeaders.ERROR_DESCRIPTION)).contains("TITLE");
        assertThat(invalidOutcomes.stream().filter(o -> o.key().equals("empty")).findFirst().orElseThrow()
                .header(OutcomeHeaders.REQUEST_ID)).isEqualTo("empty");

        // the dry run: a summary with the count, no per-activity outcome, nothing deleted
        assertThat(outcomes.stream().filter(o -> o.key().equals("dry"))).singleElement().satisfies(o -> {
            assertThat(o.topic()).isEqualTo(t.succeeded());
            assertThat(o.header(OutcomeHeaders.FILTER)).isEqualTo(OutcomeHeaders.FILTER_SUMMARY);
            JsonNode value = JSON.readTree(o.value());
            assertThat(value.get("dryRun").asBoolean()).isTrue();
            assertThat(value.get("matched").asInt()).isEqualTo(70);
            assertThat(value.get("deleted").asInt()).isZero();
        });
        for (int i = 0; i < 70; i++) {
            assertThat(control.activityExists(dry + i)).isTrue();
        }

        // two of five refused: their outcomes on the rejected topic, the summary a dead letter
        List<Outcome> lead = outcomes.stream().filter(o -> o.key().equals("lead-9")).toList();
        assertThat(lead).hasSize(6);
        assertThat(lead.stream().filter(o -> o.topic().equals(t.rejected()))).hasSize(2);
        Outcome summary = lead.stream().filter(o -> OutcomeHeaders.FILTER_SUMMARY.equals(o.header(OutcomeHeaders.FILTER)))
                .findFirst().orElseThrow();
        assertThat(summary.topic()).isEqualTo(t.deadLetter());
        assertThat(summary.header(OutcomeHeaders.OUTCOME)).isEqualTo(OutcomeHeaders.FILTER_INCOMPLETE);
        JsonNode value = JSON.readTree(summary.value());
        assertThat(value.get("matched").asInt()).isEqualTo(5);
        assertThat(value.get("deleted").asInt()).isEqualTo(3);
        assertThat(value.get("failed").asInt()).isEqualTo(2);
        // the dead letter is itself the filter request: replayed, it lists only what is left
        FilterRequest replayed = FilterRequest.parseOrNull(summary.record().value());
        assertThat(replayed).isNotNull();
        assertThat(replayed.requestId()).isEqualTo("lead-9");
        assertThat(control.activityExists(deletable)).isFalse();
        assertThat(control.activityExists(denied) && control.activityExists(denied + 1)).isTrue();
    }

}
