package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.simulator.SimulatorControl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When Kafka refuses an outcome record, the request is neither skipped nor committed. First the very record that was
 * refused is written again in place (Bitrix24 is not called again and the outcome stays what it was); once the time
 * for that is spent, the request is consumed again, with the requests behind it, until its outcome can be written.
 * The broker here refuses the records with an ACL that denies the writing of the outcome topics
 * ({@code TOPIC_AUTHORIZATION_FAILED}); the same path serves a broker that is down or a topic below its minimum of
 * in-sync replicas. (A record refused as too large is not written again as it is but trimmed:
 * {@link OutcomesTooLargeAreWrittenTrimmedTest}.)
 */
class OutcomesThatCannotBeWrittenAreRetriedTest {

    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClassWithAcls();

    @Test
    void aRefusedOutcomeIsWrittenAgainInPlaceAndStaysTheSame() throws Exception {
        PipelineTopics t = env.newTopics("refused-in-place", 1);
        String group = "refused-in-place-group";
        SimulatorControl control = env.simulator.control();
        env.kafka.denyWrites(t.outcomeTopics());
        Map<String, String> settings = env.settings(t, group);
        long callsBefore = control.callCount("crm.activity.delete");
        try (Pipeline pipeline = Pipeline.start(settings)) {
            env.kafka.send(t.requests(), null, "first", utf8("{\"id\":70,\"requestId\":\"first\"}"), Map.of());
            await().atMost(Duration.ofSeconds(60)).until(() -> !control.activityExists(70));
            // the consumer keeps writing the refused record, and does nothing else meanwhile
            env.kafka.send(t.requests(), null, "second", utf8("{\"id\":71,\"requestId\":\"second\"}"), Map.of());
            Thread.sleep(3000);
            assertThat(control.callCount("crm.activity.delete") - callsBefore).as("Bitrix24 called once").isEqualTo(1);
            assertThat(control.activityExists(71)).as("nothing behind it is processed meanwhile").isTrue();
            assertThat(env.outcomes(t)).isEmpty();
            assertThat(env.kafka.committed(group, t.requests()).getOrDefault(0, 0L)).isZero();

            letOutcomesThroughAndAwaitBothCommitted(t, group);
        }
        List<Outcome> outcomes = env.outcomes(t);
        assertThat(outcomes).hasSize(2);
        // the outcome of the first is the one it had when Kafka refused it: deleted, not 'not found' from a second call
        assertThat(outcomes).allSatisfy(o -> assertThat(o.topic()).isEqualTo(t.succeeded()));
        assertThat(outcomes).extracting(Outcome::key).containsExactlyInAnyOrder("first", "second");
        assertThat(outcomes).as("refused for another reason than size: written whole")
                .allSatisfy(o -> assertThat(o.header(OutcomeHeaders.TRIMMED)).isNull());
        assertThat(control.callCount("crm.activity.delete") - callsBefore).isEqualTo(2);
        assertThat(env.kafka.committed(group, t.requests())).containsEntry(0, 2L);
    }

    @Test
    void onceRetryingInPlaceIsSpentTheRequestIsConsumedAgainAndNothingBehindItIsSkipped() throws Exception {
        PipelineTopics t = env.newTopics("refused", 1);
        String group = "refused-group";
        SimulatorControl control = env.simulator.control();
        env.kafka.denyWrites(t.outcomeTopics());
        Map<String, String> settings = env.settings(t, group);
        settings.put("bitrix24.consumer.outcome-retry-in-place-ms", "300");
        long callsBefore = control.callCount("crm.activity.delete");
        try (Pipeline pipeline = Pipeline.start(settings)) {
            env.kafka.send(t.requests(), null, "first", utf8("{\"id\":60,\"requestId\":\"first\"}"), Map.of());

            // the first request is consumed again and again: Bitrix24 is called each time, nothing moves on
            await().atMost(Duration.ofSeconds(60)).until(() -> control.callCount("crm.activity.delete") - callsBefore >= 3);
            assertThat(env.outcomes(t)).isEmpty();
            assertThat(env.kafka.committed(group, t.requests()).getOrDefault(0, 0L)).isZero();
            assertThat(control.activityExists(60)).as("deleted by the first attempt").isFalse();

            // a request behind it is consumed with it (the requests of one poll run concurrently), and is not skipped
            // either: its outcome is refused too, so nothing is committed past the first
            env.kafka.send(t.requests(), null, "second", utf8("{\"id\":61,\"requestId\":\"second\"}"), Map.of());
            await().atMost(Duration.ofSeconds(60)).until(() -> !control.activityExists(61));
            long callsWithSecond = control.callCount("crm.activity.delete");
            await().atMost(Duration.ofSeconds(90)).until(() -> control.callCount("crm.activity.delete") >= callsWithSecond + 2);
            assertThat(env.outcomes(t)).isEmpty();
            assertThat(env.kafka.committed(group, t.requests()).getOrDefault(0, 0L)).isZero();

            letOutcomesThroughAndAwaitBothCommitted(t, group);
        }
        List<Outcome> outcomes = env.outcomes(t);
        assertThat(outcomes).hasSize(2);
        Outcome first = outcomes.stream().filter(o -> o.key().equals("first")).findFirst().orElseThrow();
        Outcome second = outcomes.stream().filter(o -> o.key().equals("second")).findFirst().orElseThrow();
        // each activity went with an attempt whose outcome was refused; the request consumed again finds it gone, and
        // since its delete is remembered (in memory here, in the commit across a crash), that is the delete it was
        assertThat(first.topic()).isEqualTo(t.succeeded());
        assertThat(second.topic()).isEqualTo(t.succeeded());
        assertThat(first.value()).contains("\"confirmedOnRetry\":true");
        assertThat(second.value()).contains("\"confirmedOnRetry\":true");
        assertThat(env.kafka.readAll(t.notFound())).as("no NOT_FOUND for an activity this pipeline deleted").isEmpty();
        assertThat(env.kafka.committed(group, t.requests())).containsEntry(0, 2L);
    }

    /** The broker takes outcome records again: both requests get their outcome, and the commit moves past them. */
    private static void letOutcomesThroughAndAwaitBothCommitted(PipelineTopics t, String group) throws Exception {
        env.kafka.allowWrites(t.outcomeTopics());
        env.awaitOutcomes(t, 2, Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> env.kafka.committed(group, t.requests()).getOrDefault(0, 0L) == 2L);
    }
}
