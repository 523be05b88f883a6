package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.simulator.FaultSpec;
import dev.camelbitrix24.simulator.SimulatorControl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The replay command end to end: requests dead-lettered while the portal fails are replayed with the pipeline's own
 * settings once the fault is gone, and succeed; a request that keeps failing stops being replayed after the limit.
 */
class ReplayedDeadLettersSucceedTest {

    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    @Test
    void deadLettersSucceedOnceTheFaultIsGoneAndAPersistentFailureStopsAtTheLimit() {
        PipelineTopics t = env.newTopics("replay", 2);
        Map<String, String> settings = env.settings(t, "replay-pipeline");
        settings.put("bitrix24.replay.group-id", "replay-command");
        settings.put("bitrix24.replay.max-rounds", "2");
        PipelineSettings commandSettings = PipelineSettings.load(settings);
        SimulatorControl control = env.simulator.control();

        try (Pipeline pipeline = Pipeline.start(settings)) {
            control.injectFault(FaultSpec.badGatewayHtml().onMethod("batch"));
            for (int id = 31; id <= 35; id++) {
                env.kafka.send(t.requests(), null, "r-" + id, utf8("{\"id\":" + id + ",\"requestId\":\"r-" + id + "\"}"),
                        Map.of("origin", "crm-sync"));
            }
            env.awaitOutcomes(t, 5, Duration.ofSeconds(60));
            assertThat(env.kafka.readAll(t.deadLetter())).hasSize(5);
            assertThat(env.outcomes(t)).allSatisfy(o -> assertThat(o.header(OutcomeHeaders.OUTCOME)).isEqualTo("SERVER_ERROR"));

            control.clearFaults();
            DeadLetterReplay.Result first = ReplayCommand.run(commandSettings);
            assertThat(first.replayed()).isEqualTo(5);
            await().atMost(Duration.ofSeconds(60)).until(() -> env.kafka.readAll(t.succeeded()).size() == 5);
            List<Outcome> succeeded = env.kafka.readAll(t.succeeded()).stream().map(r -> new Outcome(t.succeeded(), r)).toList();
            assertThat(succeeded).allSatisfy(o -> {
                assertThat(o.header(OutcomeHeaders.REPLAY_COUNT)).isEqualTo("1");
                assertThat(o.header("origin")).isEqualTo("crm-sync");
                assertThat(o.header(OutcomeHeaders.ORIGINAL_TOPIC)).isEqualTo(t.requests());
                assertThat(o.record().headers().headers(OutcomeHeaders.OUTCOME)).hasSize(1);
                assertThat(o.header(OutcomeHeaders.ERROR_CODE)).isNull();
            });
            for (long id = 31; id <= 35; id++) {
                assertThat(control.activityExists(id)).as("activity %d", id).isFalse();
            }
            // nothing new on the dead-letter topic: a second replay moves nothing
            assertThat(ReplayCommand.run(commandSettings).replayed()).isZero();

            // a request that fails on every round: replayed twice (the limit), then left on the dead-letter topic
            control.injectFault(FaultSpec.badGatewayHtml().onMethod("batch"));
            env.kafka.send(t.requests(), null, "stubborn", utf8("{\"id\":40,\"requestId\":\"stubborn\"}"), Map.of());
            await().atMost(Duration.ofSeconds(30)).until(() -> env.kafka.readAll(t.deadLetter()).size() == 6);
            for (int round = 1; round <= 2; round++) {
                assertThat(ReplayCommand.run(commandSettings).replayed()).as("round %d", round).isEqualTo(1);
                int expected = 6 + round;
                await().atMost(Duration.ofSeconds(30)).until(() -> env.kafka.readAll(t.deadLetter()).size() == expected);
            }
            DeadLetterReplay.Result last = ReplayCommand.run(commandSettings);
            assertThat(last.replayed()).isZero();
            assertThat(last.exhausted()).isEqualTo(1);
            assertThat(env.kafka.readAll(t.deadLetter()).stream().filter(r -> "stubborn".equals(KafkaTestClient.text(r.key())))
                    .map(r -> KafkaTestClient.header(r, OutcomeHeaders.REPLAY_COUNT)).toList())
                    .as("replay counts of its dead letters, in order").containsExactly(null, "1", "2");
            assertThat(control.activityExists(40)).isTrue();
        } finally {
            control.clearFaults();
        }
    }

    /**
     * A delete whose first reply was lost (the activity is gone) and whose retries all failed is dead-lettered saying
     * that it may have deleted; the replay keeps that, so its {@code Activity is not found.} is the delete it is.
     */
    @Test
    void aDeadLetterWhoseAttemptMayHaveDeletedIsReportedDeletedWhenReplayed() {
        PipelineTopics t = env.newTopics("replay-lost", 1);
        Map<String, String> settings = env.settings(t, "replay-lost-pipeline");
        settings.put("bitrix24.replay.group-id", "replay-lost-command");
        SimulatorControl control = env.simulator.control();
        control.seedActivities(700, 1);
        try (Pipeline pipeline = Pipeline.start(settings)) {
            control.injectFault(FaultSpec.replyLost().onMethod("batch").times(1));
            control.injectFault(FaultSpec.badGatewayHtml().onMethod("batch"));
            env.kafka.send(t.requests(), null, "lost", utf8("{\"id\":700,\"requestId\":\"lost\"}"), Map.of());
            env.awaitOutcomes(t, 1, Duration.ofSeconds(60));
            assertThat(control.activityExists(700)).as("the first attempt deleted it; its reply was lost").isFalse();
            Outcome dead = env.outcomes(t).get(0);
            assertThat(dead.topic()).isEqualTo(t.deadLetter());
            assertThat(dead.header(OutcomeHeaders.MAY_HAVE_DELETED)).isEqualTo("true");

            control.clearFaults();
            assertThat(ReplayCommand.run(PipelineSettings.load(settings)).replayed()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(60)).until(() -> env.kafka.readAll(t.succeeded()).size() == 1);
            Outcome succeeded = new Outcome(t.succeeded(), env.kafka.readAll(t.succeeded()).get(0));
            assertThat(succeeded.header(OutcomeHeaders.OUTCOME)).isEqualTo("DELETED");
            assertThat(succeeded.value()).contains("\"confirmedOnRetry\":true");
            assertThat(env.kafka.readAll(t.notFound())).as("not reported as not found").isEmpty();
        } finally {
            control.clearFaults();
        }
    }
}
