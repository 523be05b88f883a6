package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.simulator.FaultSpec;
import dev.camelbitrix24.simulator.ReplyLatency;
import dev.camelbitrix24.simulator.SimulatorControl;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
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
     * Deletes whose calls reach the portal but whose replies are lost (the activity is gone) or replaced by a gateway
     * page (nothing happened), until retries run out, at scale: every one is dead-lettered saying that it may have
     * deleted; the replay keeps that, so each replayed request ends {@code DELETED} once, confirmed on retry exactly
     * where the activity was already gone, and none {@code NOT_FOUND}.
     */
    @Test
    @Tag("fire")
    void deadLettersWhoseAttemptMayHaveDeletedAllEndDeletedOnceWhenReplayed() {
        int requests = FireFigures.figure("replay.requests", 200, 3_000);
        int latencyMillis = FireFigures.figure("replay.reply-latency-millis", 300, 600);
        PipelineTopics t = env.newTopics("replay-lost", 3);
        Map<String, String> settings = env.settings(t, "replay-lost-pipeline");
        settings.put("bitrix24.replay.group-id", "replay-lost-command");
        settings.put("camel.component.bitrix24.response-timeout", "10000");
        SimulatorControl control = env.simulator.control();
        long firstId = 300_000;
        control.seedActivities(firstId, requests);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            records.add(new ProducerRecord<>(t.requests(), utf8("lost-" + i),
                    utf8("{\"id\":" + (firstId + i) + ",\"requestId\":\"lost-" + i + "\"}")));
        }
        long callsBefore = control.callCount("crm.activity.delete");
        Set<Long> goneBeforeReplay = new HashSet<>();
        DeadLetterReplay.Result replay;
        try (TopicLoad load = new TopicLoad(env.broker.bootstrapServers());
             Pipeline pipeline = Pipeline.start(settings)) {
            // every batch call reaches the portal: the first ones delete and lose the reply, every later one gets
            // nginx's 502 page (nothing done), until retries run out. The requests need at least twice as many batch
            // calls (50 deletes each) as lose their reply, so both kinds are always there
            control.injectFault(FaultSpec.replyLost().onMethod("batch").times(Math.max(1, requests / 100)));
            control.injectFault(FaultSpec.badGatewayHtml().onMethod("batch"));
            load.sendAll(records);
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                    .until(() -> load.count(t.outcomeTopics()) >= requests);
            List<Outcome> dead = env.outcomes(t);
            assertThat(dead).hasSize(requests).allSatisfy(o -> {
                assertThat(o.topic()).isEqualTo(t.deadLetter());
                assertThat(o.header(OutcomeHeaders.MAY_HAVE_DELETED)).as(o.key()).isEqualTo("true");
            });
            for (long id = firstId; id < firstId + requests; id++) {
                if (!control.activityExists(id)) {
                    goneBeforeReplay.add(id);
                }
            }

            control.clearFaults();
            control.setReplyLatency(new ReplyLatency(Duration.ofMillis(latencyMillis * 5L / 6),
                    Duration.ofMillis(latencyMillis * 7L / 6)));
            replay = ReplayCommand.run(PipelineSettings.load(settings));
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                    .until(() -> load.count(t.outcomeTopics()) >= 2L * requests);
            await().atMost(Duration.ofSeconds(60)).until(() -> env.kafka.committed("replay-lost-pipeline", t.requests())
                    .values().stream().mapToLong(Long::longValue).sum() == 2L * requests);
        } finally {
            control.clearFaults();
            control.setReplyLatency(ReplyLatency.NONE);
        }
        long calls = control.callCount("crm.activity.delete") - callsBefore;

        List<Outcome> outcomes = env.outcomes(t);
        // one outcome per request: the first ones dead-lettered, the replayed ones (new offsets) each ended once
        Map<String, Long> perRequest = outcomes.stream().collect(Collectors.groupingBy(o -> o.header(OutcomeHeaders.ORIGINAL_TOPIC)
                + "-" + o.header(OutcomeHeaders.ORIGINAL_PARTITION) + "@" + o.header(OutcomeHeaders.ORIGINAL_OFFSET), Collectors.counting()));
        long secondOutcomes = outcomes.size() - perRequest.size();
        List<Outcome> replayed = outcomes.stream().filter(o -> !o.topic().equals(t.deadLetter())).toList();
        long notFound = replayed.stream().filter(o -> o.topic().equals(t.notFound())).count();
        long confirmed = replayed.stream().filter(o -> o.value().contains("\"confirmedOnRetry\":true")).count();
        long stillThere = 0;
        for (long id = firstId; id < firstId + requests; id++) {
            stillThere += control.activityExists(id) ? 1 : 0;
        }
        FireFigures.report("replay of dead letters that may have deleted: %d requests, all dead-lettered with "
                + "bitrix24.may-have-deleted (%d activities gone, their reply lost; %d still there, 502 pages), %d "
                + "replayed with replies after %d ms: %d DELETED (%d confirmed on retry), %d NOT_FOUND for an activity "
                + "that existed, %d second outcomes, %d delete calls, %d activities left, lost %d", requests,
                goneBeforeReplay.size(), requests - goneBeforeReplay.size(), replay.replayed(), latencyMillis,
                replayed.stream().filter(o -> "DELETED".equals(o.header(OutcomeHeaders.OUTCOME))).count(), confirmed,
                notFound, secondOutcomes, calls, stillThere, 2L * requests - perRequest.size());

        assertThat(replay.replayed()).isEqualTo(requests);
        assertThat(perRequest).as("every request and every replayed request has an outcome").hasSize(2 * requests);
        assertThat(secondOutcomes).as("second outcomes").isZero();
        assertThat(notFound).as("NOT_FOUND for an activity that existed").isZero();
        assertThat(stillThere).as("activities left").isZero();
        // both kinds were there: replies lost after the delete, and gateway pages with nothing done
        assertThat(goneBeforeReplay).isNotEmpty().hasSizeLessThan(requests);
        assertThat(replayed).hasSize(requests).allSatisfy(o -> {
            assertThat(o.topic()).isEqualTo(t.succeeded());
            assertThat(o.header(OutcomeHeaders.REPLAY_COUNT)).isEqualTo("1");
            long id = firstId + Long.parseLong(o.key().substring("lost-".length()));
            assertThat(o.value()).as("activity %d", id)
                    .contains("\"confirmedOnRetry\":" + goneBeforeReplay.contains(id));
        });
    }
}
