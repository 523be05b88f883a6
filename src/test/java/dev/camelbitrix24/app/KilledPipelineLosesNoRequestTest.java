package dev.camelbitrix24.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.simulator.ReplyLatency;
import dev.camelbitrix24.simulator.SimulatorControl;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline as its own JVM, SIGKILLed at random moments while a stream of requests is in flight and restarted
 * each time: afterwards every request has at least one outcome, the requests a crash touched twice are counted and
 * bounded by what can be in flight at a kill, and every requested activity is gone from the simulator (and no other).
 */
@Tag("fire")
class KilledPipelineLosesNoRequestTest {

    private static final int CONSUMER_THREADS = 3;
    /**
     * What one consumer may hold uncommitted at a kill. Smaller than the product's 2,500 (BITRIX24_CONSUMER_MAX_POLL_RECORDS
     * is set for the child JVM), so that 20 kills fit into the stream: a run commits a whole poll at a time.
     */
    private static final int MAX_POLL_RECORDS = 200;
    /** Activities after the requested ones, which nobody asks to delete: they must all still be there. */
    private static final int BYSTANDERS = 200;

    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    @Test
    void everyRequestGetsAnOutcomeAndEveryActivityIsGoneAfterRepeatedKills(@TempDir Path dir) throws Exception {
        int requests = FireFigures.figure("crash.requests", 10_000, 10_000);
        int kills = FireFigures.figure("crash.kills", 5, 20);
        long seed = FireFigures.seed();
        Random random = new Random(seed);
        System.out.printf("crash test: %d requests, %d kills, seed %d%n", requests, kills, seed);

        PipelineTopics t = env.newTopics("crash", 3);
        SimulatorControl control = env.simulator.control();
        long firstId = 100_000;
        control.seedActivities(firstId, requests + BYSTANDERS);
        // with -Psoak every reply takes as long as a real portal's (the delete has happened when the wait starts), so
        // that kills land between deletes and their replies
        int latencyMillis = FireFigures.figure("crash.reply-latency-millis", 0, 600);
        control.setReplyLatency(new ReplyLatency(Duration.ofMillis(latencyMillis), Duration.ofMillis(latencyMillis)));
        long callsBefore = control.callCount("crm.activity.delete");

        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            String key = "r-" + i;
            records.add(new ProducerRecord<>(t.requests(), utf8(key),
                    utf8("{\"id\":" + (firstId + i) + ",\"requestId\":\"" + key + "\"}")));
        }

        Map<String, String> properties = new HashMap<>();
        properties.put("camel.main.name", "crash-pipeline");
        properties.put("camel.management.enabled", "false");
        properties.put("bitrix24.consumer.group-id", "crash-group");
        properties.put("bitrix24.consumer.threads", String.valueOf(CONSUMER_THREADS));
        properties.put("bitrix24.consumer.poll-timeout-ms", "200");
        // a commit moves up to a poll's worth: with many kills, smaller polls leave room for each kill to land while
        // requests are still in flight (500, the default, with the figures of mvn verify; 125 with those of -Psoak)
        properties.put("bitrix24.consumer.max-poll-records", String.valueOf(maxPollRecords(requests, kills)));
        // a killed member would otherwise hold its partitions for the default 45 s session
        properties.put("camel.component.kafka.session-timeout-ms", "6000");
        properties.put("camel.component.kafka.heartbeat-interval-ms", "1000");
        // the simulator enforces no rate limit here, so the client keeps none either (the test is about crashes)
        properties.put("camel.component.bitrix24.rate-plan", "off");
        properties.put("camel.component.bitrix24.max-attempts", "3");
        properties.put("camel.component.bitrix24.initial-backoff", "20");
        properties.put("camel.component.bitrix24.max-backoff", "100");
        properties.put("camel.component.bitrix24.response-timeout", "10000");

        List<Long> outcomesAtKill = new ArrayList<>();
        try (AutoCloseable noLatencyAfter = () -> control.setReplyLatency(ReplyLatency.NONE);
             TopicLoad load = new TopicLoad(env.broker.bootstrapServers());
             PipelineProcess pipeline = new PipelineProcess(
                     environment(t, maxPollRecords(requests, kills)),
                     properties, dir.resolve("pipeline.log"))) {
            load.sendAll(records);
            long started = System.nanoTime();
            for (int k = 0; k < kills; k++) {
                // the moment: once this run has COMMITTED past a random point of its share of what is left (so every
                // run makes progress of its own, whatever it redoes), after a random pause: mid-poll, mid-batch
                long done = committed(t);
                long stretch = (requests - done) / (kills - k + 1);
                long target = done + 1 + random.nextInt((int) Math.max(1, stretch));
                // commits move a poll round at a time (with slow replies, a round of every consumer's poll): leave each
                // kill still to come at least a round of requests, so that it too lands while requests are in flight
                target = Math.min(target, Math.max(done + 1,
                        requests - (long) (kills - k) * CONSUMER_THREADS * maxPollRecords(requests, kills)));
                long startedRun = System.nanoTime();
                pipeline.start();
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                long before = load.count(t.outcomeTopics());
                long firstOutcomeMillis = -1;
                while (committed(t) < target) {
                    if (firstOutcomeMillis < 0 && load.count(t.outcomeTopics()) > before) {
                        firstOutcomeMillis = Duration.ofNanos(System.nanoTime() - startedRun).toMillis();
                    }
                    assertThat(pipeline.isAlive()).as("the pipeline runs; its output:%n%s", tail(pipeline)).isTrue();
                    assertThat(System.nanoTime()).as("run %d did not commit %d requests within 120 s:%n%s", k + 1, target,
                            tail(pipeline)).isLessThan(deadline);
                    Thread.sleep(20);
                }
                // a random pause, but never long enough to finish what is left (the pipeline does well under 20
                // requests per ms), so that the kill still lands mid-flight near the end of the stream
                long left = requests - committed(t);
                Thread.sleep(random.nextInt((int) Math.max(1, Math.min(300, left / 20))));
                pipeline.kill();
                long at = committed(t);
                outcomesAtKill.add(at);
                System.out.printf("kill %d at %d committed requests, %d outcomes, %d ms after its start (first outcome "
                        + "after %d ms)%n", k + 1, at, load.count(t.outcomeTopics()),
                        Duration.ofNanos(System.nanoTime() - startedRun).toMillis(), firstOutcomeMillis);
                assertThat(at).as("kill %d came after the last request was done: no longer in flight", k + 1)
                        .isLessThan(requests);
            }
            pipeline.start();
            awaitOutcomeForEveryKey(load, t, requests, pipeline);
            System.out.printf("all outcomes %d ms after the first start%n",
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
            assertThat(pipeline.stop(Duration.ofSeconds(60))).as("exit code after SIGTERM").isIn(0, 130, 143);
        }

        List<Outcome> outcomes = env.outcomes(t);
        Map<String, List<Outcome>> byKey = outcomes.stream().collect(Collectors.groupingBy(Outcome::key));
        int duplicates = outcomes.size() - byKey.size();
        long notFound = outcomes.stream().filter(o -> o.topic().equals(t.notFound())).count();
        long confirmed = outcomes.stream().filter(o -> o.value().contains("\"confirmedOnRetry\":true")).count();
        long touchedTwice = byKey.values().stream().filter(list -> list.size() > 1).count() + confirmed;
        long calls = control.callCount("crm.activity.delete") - callsBefore;
        int inFlightBound = kills * CONSUMER_THREADS * maxPollRecords(requests, kills);
        FireFigures.report("crash test: %d requests, %d kills, replies after %d ms (requests committed at each kill: %s), "
                + "%d outcomes, %d duplicate "
                + "outcomes, %d not-found for an activity that existed, %d deleted and confirmed on retry (called again "
                + "after a kill), %d delete calls, lost %d", requests, kills, latencyMillis, outcomesAtKill, outcomes.size(), duplicates,
                notFound, confirmed, calls, requests - byKey.size());

        assertThat(byKey).as("every request has an outcome").hasSize(requests);
        for (int i = 0; i < requests; i++) {
            assertThat(byKey).containsKey("r-" + i);
        }
        // an outcome a killed run wrote is found by the next owner of its partition, which does not process that
        // request again: one outcome per request, crashes or not
        assertThat(duplicates).as("second outcomes").isZero();
        // a request whose delete happened in a killed run that did not get to write its outcome: the rerun hears
        // 'Activity is not found.', and since the killed run named it in its commit before calling, it is reported as
        // the delete it was, confirmed on retry. Every activity here existed: none may end NOT_FOUND
        assertThat(outcomes).allSatisfy(o -> assertThat(o.topic()).isEqualTo(t.succeeded()));
        assertThat(notFound).as("NOT_FOUND for an activity that existed").isZero();
        assertThat(touchedTwice).as("requests processed twice, at most what was in flight at the kills")
                .isLessThanOrEqualTo(inFlightBound);
        assertThat(calls).as("delete calls").isBetween((long) requests, (long) requests + inFlightBound);
        for (int i = 0; i < requests; i++) {
            assertThat(control.activityExists(firstId + i)).as("activity %d", firstId + i).isFalse();
        }
        for (int i = requests; i < requests + BYSTANDERS; i++) {
            assertThat(control.activityExists(firstId + i)).as("bystander %d", firstId + i).isTrue();
        }
    }

    /**
     * What one consumer may hold uncommitted at a kill: a quarter of each kill's share of the stream, 50 to 200, so
     * that every kill lands while requests are in flight (a run commits a whole round of polls at a time).
     */
    private static int maxPollRecords(int requests, int kills) {
        return Math.max(50, Math.min(MAX_POLL_RECORDS, requests / (4 * kills)));
    }

    private static Map<String, String> environment(PipelineTopics t, int maxPollRecords) {
        Map<String, String> environment = PipelineProcess.environment(env.broker.bootstrapServers(),
                env.simulator.webhookUrl(), t);
        environment.put("BITRIX24_CONSUMER_MAX_POLL_RECORDS", String.valueOf(maxPollRecords));
        return environment;
    }

    /** How many requests the pipeline's group has committed (the sum of its committed offsets). */
    private static long committed(PipelineTopics t) {
        return env.kafka.committed("crash-group", t.requests()).values().stream().mapToLong(Long::longValue).sum();
    }

    private static void awaitOutcomeForEveryKey(TopicLoad load, PipelineTopics t, int requests, PipelineProcess pipeline)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            if (load.count(t.outcomeTopics()) >= requests) {
                long keys = env.outcomes(t).stream().map(Outcome::key).distinct().count();
                if (keys >= requests) {
                    return;
                }
            }
            assertThat(pipeline.isAlive()).as("the last run is alive:%n%s", tail(pipeline)).isTrue();
            assertThat(System.nanoTime()).as("every request has an outcome within 5 minutes").isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static String tail(PipelineProcess pipeline) {
        String out = pipeline.output();
        return out.length() <= 6000 ? out : out.substring(out.length() - 6000);
    }
}
