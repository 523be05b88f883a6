package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.simulator.ReplyLatency;
import dev.camelbitrix24.simulator.SimulatorControl;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One outcome topic refused for a while, the others writable, while a stream of requests runs against a portal that
 * replies slowly: an ACL denies the writing of the succeeded topic, so the deletes go through but their outcomes are
 * refused, written again in place and, past the in-place time, consumed again (Bitrix24 is called again), while the
 * requests beside them in the same partitions and polls (not found, invalid) have their outcomes written. Then the
 * topic is writable again. Every request ends exactly once, no activity that existed is reported {@code NOT_FOUND}
 * (the simulator's state is the ground truth), and nothing is lost.
 */
@Tag("fire")
class MixedRefusalEndsEveryRequestOnceTest {

    private static final long FIRST_ID = 200_000;
    private static final long NEVER_EXISTED = 9_000_000;

    @Test
    void everyRequestEndsOnceWhileOneOutcomeTopicIsRefused() throws Exception {
        int requests = FireFigures.figure("mixed.requests", 300, 6_000);
        int refusedSeconds = FireFigures.figure("mixed.refused-seconds", 6, 60);
        int latencyMillis = FireFigures.figure("mixed.reply-latency-millis", 300, 600);
        int retryInPlaceMillis = FireFigures.figure("mixed.retry-in-place-millis", 1_000, 5_000);
        int maxPollRecords = FireFigures.figure("mixed.max-poll-records", 2_500, 2_500);
        int stallSeconds = FireFigures.figure("mixed.stall-seconds", 20, 120);
        long seed = FireFigures.seed();
        Random random = new Random(seed);
        System.out.printf("mixed refusal: %d requests, seed %d%n", requests, seed);

        try (PipelineTestEnvironment env = PipelineTestEnvironment.startWithAcls();
             TopicLoad load = new TopicLoad(env.broker.bootstrapServers())) {
            SimulatorControl control = env.simulator.control();
            PipelineTopics t = env.newTopics("mixed", 3);
            control.seedActivities(FIRST_ID, requests);
            // mostly activities that exist, some that never did, some malformed requests (never sent)
            Map<String, Long> existing = new HashMap<>();
            Map<String, Long> neverExisted = new HashMap<>();
            Set<String> invalid = new HashSet<>();
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(requests);
            for (int i = 0; i < requests; i++) {
                String key = "r-" + i;
                int kind = random.nextInt(10);
                String value;
                if (kind == 0) {
                    neverExisted.put(key, NEVER_EXISTED + i);
                    value = "{\"id\":" + (NEVER_EXISTED + i) + ",\"requestId\":\"" + key + "\"}";
                } else if (kind == 1) {
                    invalid.add(key);
                    value = "{\"id\":\"not a number\",\"requestId\":\"" + key + "\"}";
                } else {
                    existing.put(key, FIRST_ID + i);
                    assertThat(control.activityExists(FIRST_ID + i)).isTrue();
                    value = "{\"id\":" + (FIRST_ID + i) + ",\"requestId\":\"" + key + "\"}";
                }
                records.add(new ProducerRecord<>(t.requests(), utf8(key), utf8(value)));
            }
            int third = requests / 3;
            List<ProducerRecord<byte[], byte[]>> before = records.subList(0, third);
            List<ProducerRecord<byte[], byte[]>> during = records.subList(third, 2 * third);
            List<ProducerRecord<byte[], byte[]>> after = records.subList(2 * third, requests);

            Map<String, String> settings = env.settings(t, "mixed-group");
            // past this, a request whose outcome is refused is consumed again (and Bitrix24 called again)
            settings.put("bitrix24.consumer.outcome-retry-in-place-ms", String.valueOf(retryInPlaceMillis));
            settings.put("camel.component.bitrix24.response-timeout", "10000");
            settings.put("bitrix24.consumer.max-poll-records", String.valueOf(maxPollRecords));
            control.setReplyLatency(new ReplyLatency(Duration.ofMillis(latencyMillis * 5L / 6),
                    Duration.ofMillis(latencyMillis * 7L / 6)));
            long callsBefore = control.callCount("crm.activity.delete");
            long writtenElsewhereDuring;
            long refusedFor;
            try (AutoCloseable noLatencyAfter = () -> control.setReplyLatency(ReplyLatency.NONE);
                 Pipeline pipeline = Pipeline.start(settings)) {
                load.sendAll(before);
                await().atMost(Duration.ofMinutes(3)).until(() -> load.count(t.outcomeTopics()) >= before.size());

                env.kafka.denyWrites(List.of(t.succeeded()));
                long refusedAt = System.nanoTime();
                long elsewhereBefore = load.count(List.of(t.notFound(), t.invalid()));
                // a stream, not a burst: polls come partly filled while refused requests are rewound
                int chunks = 20;
                for (int c = 0; c < chunks; c++) {
                    load.sendAll(during.subList(c * during.size() / chunks, (c + 1) * during.size() / chunks));
                    Thread.sleep(refusedSeconds * 1000L / chunks);
                }
                writtenElsewhereDuring = load.count(List.of(t.notFound(), t.invalid())) - elsewhereBefore;
                env.kafka.allowWrites(List.of(t.succeeded()));
                refusedFor = Duration.ofNanos(System.nanoTime() - refusedAt).toMillis();

                load.sendAll(after);
                // until every request has an outcome and is committed, or nothing moves for a while (then the figures
                // below say what is missing)
                long lastChange = System.nanoTime();
                long last = -1;
                while (load.count(t.outcomeTopics()) < requests || committed(env, t) < requests) {
                    long now = load.count(t.outcomeTopics()) + committed(env, t);
                    if (now != last) {
                        last = now;
                        lastChange = System.nanoTime();
                    } else if (System.nanoTime() - lastChange > Duration.ofSeconds(stallSeconds).toNanos()) {
                        System.out.printf("mixed refusal: stalled at %d outcomes, %d committed; threads:%n%s",
                                load.count(t.outcomeTopics()), committed(env, t), threadDump());
                        break;
                    }
                    Thread.sleep(500);
                }
                // a request consumed once more by mistake would show now
                Thread.sleep(1000);
            }
            long calls = control.callCount("crm.activity.delete") - callsBefore;

            List<Outcome> outcomes = env.outcomes(t);
            Map<String, List<Outcome>> byKey = outcomes.stream().collect(Collectors.groupingBy(Outcome::key));
            Map<String, Long> perTopic = outcomes.stream().collect(Collectors.groupingBy(
                    o -> o.topic().substring(o.topic().lastIndexOf('.') + 1), Collectors.counting()));
            long secondOutcomes = outcomes.size() - byKey.size();
            long notFoundThatExisted = outcomes.stream()
                    .filter(o -> o.topic().equals(t.notFound()) && existing.containsKey(o.key())).count();
            long confirmedOnRetry = outcomes.stream()
                    .filter(o -> o.topic().equals(t.succeeded()) && o.value().contains("\"confirmedOnRetry\":true")).count();
            long stillThere = existing.values().stream().filter(control::activityExists).count();
            long committed = committed(env, t);
            FireFigures.report("mixed refusal: %d requests (%d existing, %d never existed, %d invalid), replies after "
                    + "%d ms, polls of up to %d, succeeded topic refused for %d ms (outcome retry in place %d ms), "
                    + "outcomes per topic %s, "
                    + "%d written on the other topics during the refusal, %d second outcomes, %d NOT_FOUND for an "
                    + "activity that existed, %d DELETED confirmed on retry, %d delete calls, %d existing activities "
                    + "left, %d committed, lost %d", requests, existing.size(), neverExisted.size(), invalid.size(), latencyMillis,
                    maxPollRecords, refusedFor, retryInPlaceMillis, perTopic, writtenElsewhereDuring, secondOutcomes,
                    notFoundThatExisted, confirmedOnRetry, calls, stillThere, committed, requests - byKey.size());

            assertThat(byKey).as("every request has an outcome").hasSize(requests);
            assertThat(committed).as("committed to the end").isEqualTo(requests);
            assertThat(secondOutcomes).as("second outcomes").isZero();
            assertThat(notFoundThatExisted).as("NOT_FOUND for an activity that existed").isZero();
            assertThat(stillThere).as("existing activities left").isZero();
            for (Map.Entry<String, List<Outcome>> entry : byKey.entrySet()) {
                Outcome o = entry.getValue().get(0);
                String expected = existing.containsKey(entry.getKey()) ? t.succeeded()
                        : neverExisted.containsKey(entry.getKey()) ? t.notFound() : t.invalid();
                assertThat(o.topic()).as("%s (%s)", entry.getKey(), o.header(OutcomeHeaders.OUTCOME)).isEqualTo(expected);
                assertThat(o.header(OutcomeHeaders.TRIMMED)).isNull();
            }
            assertThat(invalid).allSatisfy(key -> assertThat(byKey.get(key).get(0).header(OutcomeHeaders.ATTEMPTS)).isEqualTo("0"));
            // the refusal really bit: requests were consumed again and called again, and the other topics were written
            assertThat(writtenElsewhereDuring).as("outcomes written on the other topics during the refusal").isPositive();
            assertThat(confirmedOnRetry).as("deletes whose outcome was refused, called again").isPositive();
            assertThat(calls).as("delete calls").isGreaterThan(existing.size() + neverExisted.size());
        }
    }

    private static long committed(PipelineTestEnvironment env, PipelineTopics t) {
        return env.kafka.committed("mixed-group", t.requests()).values().stream().mapToLong(Long::longValue).sum();
    }

    private static String threadDump() {
        StringBuilder dump = new StringBuilder();
        for (java.lang.management.ThreadInfo info : java.lang.management.ManagementFactory.getThreadMXBean()
                .dumpAllThreads(false, false)) {
            if (info.getThreadName().startsWith("Camel")) {
                dump.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState()).append('\n');
                for (StackTraceElement frame : info.getStackTrace()) {
                    dump.append("    at ").append(frame).append('\n');
                }
            }
        }
        return dump.toString();
    }
}
