package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.simulator.SimulatorControl;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An outcome record Kafka refuses as too large can never be written as it is: it is written trimmed at once, the
 * request ends with that one outcome, the partition moves on, and Bitrix24 is not called again. Both refusals are
 * real: the producer's {@code max.request.size} (a request with large headers, echoed on its outcome) and the outcome
 * topics' {@code max.message.bytes} (a request with a large value, echoed on the not-found and invalid topics).
 */
class OutcomesTooLargeAreWrittenTrimmedTest {

    private static final int TOPIC_LIMIT = 4096;
    private static final int PRODUCER_LIMIT = 16384;

    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    @Test
    void aTooLargeOutcomeIsWrittenTrimmedOnceAndThePartitionMovesOn() throws Exception {
        PipelineTopics t = env.newTopics("too-large", 1);
        String group = "too-large-group";
        SimulatorControl control = env.simulator.control();
        maxMessageBytes(t, TOPIC_LIMIT);
        Map<String, String> settings = env.settings(t, group);
        settings.put("camel.component.kafka.max-request-size", String.valueOf(PRODUCER_LIMIT));
        // short, so that a request sent back to be consumed again (the old way) shows within the test
        settings.put("bitrix24.consumer.outcome-retry-in-place-ms", "1000");
        settings.put("camel.component.kafka.request-timeout-ms", "3000");
        settings.put("camel.component.kafka.delivery-timeout-ms", "5000");
        long notThere = 990_001;
        assertThat(control.activityExists(notThere)).isFalse();
        String note = "n".repeat(6_000);
        String blob = "b".repeat(30_000);
        long callsBefore = control.callCount("crm.activity.delete");

        try (Pipeline pipeline = Pipeline.start(settings)) {
            env.kafka.send(t.requests(), null, "before", utf8("{\"id\":801,\"requestId\":\"before\"}"), Map.of("origin", "crm"));
            // its succeeded record carries the request's 30 KB header: over the producer's limit
            env.kafka.send(t.requests(), null, "big-header", utf8("{\"id\":802,\"requestId\":\"big-header\"}"),
                    Map.of("origin", "crm", "blob", blob));
            // its not-found record is the request's 6 KB value: over the topic's limit, refused by the broker
            env.kafka.send(t.requests(), null, "big-value", utf8("{\"id\":" + notThere
                    + ",\"requestId\":\"big-value\",\"note\":\"" + note + "\"}"), Map.of("origin", "crm"));
            // malformed, never sent to Bitrix24; its invalid record is the 6 KB value too
            env.kafka.send(t.requests(), null, "big-invalid", utf8("not json " + note), Map.of("origin", "crm"));
            env.kafka.send(t.requests(), null, "after", utf8("{\"id\":803,\"requestId\":\"after\"}"), Map.of("origin", "crm"));

            env.awaitOutcomes(t, 5, Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(30)).until(() -> env.kafka.committed(group, t.requests()).getOrDefault(0, 0L) == 5L);
            // a request sent back would be called again within the retry-in-place time and a poll: wait longer
            Thread.sleep(3000);
        }

        List<Outcome> outcomes = env.outcomes(t);
        assertThat(outcomes).as("one outcome per request, no second one").hasSize(5);
        Map<String, Outcome> byKey = outcomes.stream().collect(Collectors.toMap(Outcome::key, Function.identity()));
        assertThat(byKey).containsOnlyKeys("before", "big-header", "big-value", "big-invalid", "after");
        assertThat(control.callCount("crm.activity.delete") - callsBefore)
                .as("each valid request sent to Bitrix24 once (the invalid one never)").isEqualTo(4);
        assertThat(env.kafka.committed(group, t.requests())).containsEntry(0, 5L);
        for (long id = 801; id <= 803; id++) {
            assertThat(control.activityExists(id)).as("activity %d", id).isFalse();
        }

        Outcome bigHeader = byKey.get("big-header");
        assertThat(bigHeader.topic()).isEqualTo(t.succeeded());
        assertThat(bigHeader.header(OutcomeHeaders.OUTCOME)).isEqualTo("DELETED");
        assertThat(bigHeader.header(OutcomeHeaders.TRIMMED)).isEqualTo("headers");
        assertThat(bigHeader.header("blob")).as("the request's own headers are dropped").isNull();
        assertThat(bigHeader.header("origin")).isNull();
        assertThat(bigHeader.value()).isEqualTo(
                "{\"id\":802,\"outcome\":\"DELETED\",\"requestId\":\"big-header\",\"attempts\":1,\"confirmedOnRetry\":false}");
        assertThat(bigHeader.header(OutcomeHeaders.REQUEST_ID)).isEqualTo("big-header");
        assertThat(bigHeader.header(OutcomeHeaders.ORIGINAL_OFFSET)).isEqualTo("1");
        assertThat(bigHeader.header(OutcomeHeaders.ORIGINAL_TOPIC)).isEqualTo(t.requests());

        Outcome bigValue = byKey.get("big-value");
        assertThat(bigValue.topic()).isEqualTo(t.notFound());
        assertThat(bigValue.header(OutcomeHeaders.OUTCOME)).isEqualTo("NOT_FOUND");
        assertThat(bigValue.header(OutcomeHeaders.TRIMMED)).isEqualTo("value");
        assertThat(bigValue.value()).as("a request that replays as the same delete")
                .isEqualTo("{\"id\":" + notThere + ",\"requestId\":\"big-value\"}");
        assertThat(bigValue.header("origin")).as("small headers are kept").isEqualTo("crm");
        assertThat(bigValue.header(OutcomeHeaders.ATTEMPTS)).isEqualTo("1");
        assertThat(bigValue.header(OutcomeHeaders.ORIGINAL_OFFSET)).isEqualTo("2");

        Outcome bigInvalid = byKey.get("big-invalid");
        assertThat(bigInvalid.topic()).isEqualTo(t.invalid());
        assertThat(bigInvalid.header(OutcomeHeaders.OUTCOME)).isEqualTo("INVALID_REQUEST");
        assertThat(bigInvalid.header(OutcomeHeaders.TRIMMED)).isEqualTo("value");
        assertThat(bigInvalid.record().value()).as("never a request that could delete when replayed").isEmpty();
        assertThat(bigInvalid.header(OutcomeHeaders.ERROR_DESCRIPTION)).isNotBlank();

        for (String untouched : List.of("before", "after")) {
            Outcome o = byKey.get(untouched);
            assertThat(o.topic()).isEqualTo(t.succeeded());
            assertThat(o.header(OutcomeHeaders.TRIMMED)).as(untouched).isNull();
            assertThat(o.header("origin")).isEqualTo("crm");
        }
    }

    private static void maxMessageBytes(PipelineTopics topics, int bytes) throws Exception {
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        for (String topic : topics.outcomeTopics()) {
            List<AlterConfigOp> ops = new ArrayList<>();
            ops.add(new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(bytes)),
                    AlterConfigOp.OpType.SET));
            changes.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), ops);
        }
        env.kafka.admin().incrementalAlterConfigs(changes).all().get(30, TimeUnit.SECONDS);
    }
}
