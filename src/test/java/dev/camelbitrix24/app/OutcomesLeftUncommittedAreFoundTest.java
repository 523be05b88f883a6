package dev.camelbitrix24.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.component.support.CapturedOutput;
import dev.camelbitrix24.simulator.SimulatorControl;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance that died after writing some outcomes and before committing their requests leaves those outcome records
 * behind. The next owner of the partition finds them and commits their requests without calling Bitrix24 again, so
 * each request keeps exactly one outcome, the one written first; the requests without an outcome are processed.
 */
class OutcomesLeftUncommittedAreFoundTest {

    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    @Test
    void requestsWhoseOutcomeIsAlreadyWrittenAreCommittedWithoutASecondCall() throws Exception {
        PipelineTopics t = env.newTopics("left-uncommitted", 1);
        String group = "left-uncommitted-group";
        SimulatorControl control = env.simulator.control();

        // what a dead instance left: requests 0..3 consumed, outcomes of 0 and 2 written (1 as deleted, with
        // activity 80 gone; 2 as not found), nothing committed
        long[] ids = {80, 81, 82, 83};
        RecordMetadata[] requests = new RecordMetadata[ids.length];
        for (int i = 0; i < ids.length; i++) {
            requests[i] = env.kafka.send(t.requests(), 0, "left-" + i,
                    utf8("{\"id\":" + ids[i] + ",\"requestId\":\"left-" + i + "\"}"), Map.of());
        }
        deleteOnThePortal(80);
        env.kafka.send(t.succeeded(), null, "left-0", utf8("{\"id\":80,\"outcome\":\"DELETED\",\"requestId\":\"left-0\",\"attempts\":1}"),
                leftBehind(t, requests[0], "DELETED"));
        env.kafka.send(t.notFound(), null, "left-2", utf8("{\"id\":82,\"requestId\":\"left-2\"}"),
                leftBehind(t, requests[2], "NOT_FOUND"));
        long callsBefore = control.callCount("crm.activity.delete");

        try (Pipeline pipeline = Pipeline.start(env.settings(t, group))) {
            env.awaitOutcomes(t, 4, Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(30)).until(() -> env.kafka.committed(group, t.requests()).getOrDefault(0, 0L) == 4L);
        }

        List<Outcome> outcomes = env.outcomes(t);
        assertThat(outcomes).hasSize(4);
        assertThat(outcomes).filteredOn(o -> o.key().equals("left-0")).singleElement()
                .satisfies(o -> assertThat(o.topic()).isEqualTo(t.succeeded()));
        assertThat(outcomes).filteredOn(o -> o.key().equals("left-2")).singleElement()
                .satisfies(o -> assertThat(o.topic()).isEqualTo(t.notFound()));
        assertThat(outcomes).filteredOn(o -> o.key().equals("left-1") || o.key().equals("left-3"))
                .hasSize(2).allSatisfy(o -> assertThat(o.topic()).isEqualTo(t.succeeded()));
        // only 81 and 83 were called; 82 was never deleted, because its request already had its (not found) outcome
        assertThat(control.callCount("crm.activity.delete") - callsBefore).isEqualTo(2);
        assertThat(control.activityExists(81)).isFalse();
        assertThat(control.activityExists(83)).isFalse();
        assertThat(control.activityExists(82)).isTrue();
    }

    /**
     * One search serves the partitions the consumer was given, and only those with uncommitted requests: partitions
     * 1 and 2 have nothing to consume at first (their last commit is a week old), so they neither widen the search to
     * that week nor need a search of their own when their later requests come.
     */
    @Test
    void oneSearchServesEveryPartitionTheConsumerWasGiven() throws Exception {
        PipelineTopics t = env.newTopics("one-search", 3);
        String group = "one-search-group";
        for (int partition = 0; partition < 3; partition++) {
            env.kafka.send(t.requests(), partition, "early-" + partition, utf8("{\"id\":" + (84 + partition) + "}"), Map.of());
        }
        // an earlier run of the pipeline processed the requests of partitions 1 and 2 a week ago, not the one of
        // partition 0; an outcome of that week is still on the succeeded topic
        long weekAgo = System.currentTimeMillis() - Duration.ofDays(7).toMillis();
        try (TopicLoad load = new TopicLoad(env.broker.bootstrapServers())) {
            load.sendAll(List.of(new ProducerRecord<>(t.succeeded(), 0, weekAgo, utf8("old"), utf8("{\"id\":1}"))));
        }
        env.kafka.admin().alterConsumerGroupOffsets(group, Map.of(
                new TopicPartition(t.requests(), 0), new OffsetAndMetadata(0, "committed-at=" + System.currentTimeMillis()),
                new TopicPartition(t.requests(), 1), new OffsetAndMetadata(1, "committed-at=" + weekAgo),
                new TopicPartition(t.requests(), 2), new OffsetAndMetadata(1, "committed-at=" + weekAgo)))
                .all().get(30, TimeUnit.SECONDS);

        try (CapturedOutput output = new CapturedOutput(Map.of(WrittenOutcomes.class.getName(), Level.INFO));
             Pipeline pipeline = Pipeline.start(env.settings(t, group))) {
            env.awaitOutcomes(t, 1, Duration.ofSeconds(60));
            env.kafka.send(t.requests(), 1, "later-1", utf8("{\"id\":87}"), Map.of());
            env.kafka.send(t.requests(), 2, "later-2", utf8("{\"id\":88}"), Map.of());
            env.awaitOutcomes(t, 3, Duration.ofSeconds(60));

            List<String> searches = output.logged().lines().filter(line -> line.contains("Searched ")).toList();
            assertThat(searches).hasSize(1);
            assertThat(searches.get(0)).contains("Searched 0 outcome record(s)", t.requests() + "-0")
                    .doesNotContain(t.requests() + "-1", t.requests() + "-2");
        }
        assertThat(env.outcomes(t)).extracting(Outcome::key).containsExactlyInAnyOrder("old", "early-0", "later-1", "later-2");
    }

    /** What the dead instance's call did, done through the portal's own REST method. */
    private static void deleteOnThePortal(long id) throws Exception {
        HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(env.simulator.webhookUrl() + "crm.activity.delete?id=" + id)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(env.simulator.control().activityExists(id)).isFalse();
    }

    private static Map<String, String> leftBehind(PipelineTopics t, RecordMetadata request, String outcome) {
        return Map.of(OutcomeHeaders.OUTCOME, outcome,
                OutcomeHeaders.ORIGINAL_TOPIC, t.requests(),
                OutcomeHeaders.ORIGINAL_PARTITION, String.valueOf(request.partition()),
                OutcomeHeaders.ORIGINAL_OFFSET, String.valueOf(request.offset()),
                OutcomeHeaders.ORIGINAL_TIMESTAMP, String.valueOf(request.timestamp()));
    }
}
