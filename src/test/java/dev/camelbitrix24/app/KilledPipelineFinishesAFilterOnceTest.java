package dev.camelbitrix24.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.simulator.ActivitySpec;
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
 * The pipeline as its own JVM, SIGKILLed at random moments while it works through a filter request page by page (each
 * reply held back after the portal acted, so that kills land between deletes and their replies), and restarted each
 * time: afterwards every selected activity has exactly one outcome, {@code DELETED} (they all existed: no false
 * {@code NOT_FOUND}), the filter request exactly one summary with the right counts, the id requests behind it one
 * outcome each, and nothing outside the filter is touched.
 */
@Tag("fire")
class KilledPipelineFinishesAFilterOnceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BYSTANDERS = 50;
    private static final int ID_REQUESTS = 20;

    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    @Test
    void everySelectedActivityEndsOnceAndTheSummaryOnceAfterRepeatedKills(@TempDir Path dir) throws Exception {
        int selected = FireFigures.figure("filter-crash.activities", 300, 5_000);
        int kills = FireFigures.figure("filter-crash.kills", 1, 10);
        int latencyMillis = FireFigures.figure("filter-crash.reply-latency-millis", 200, 600);
        long seed = FireFigures.seed();
        Random random = new Random(seed);
        System.out.printf("filter crash test: %d activities, %d kills, seed %d%n", selected, kills, seed);

        PipelineTopics t = env.newTopics("filter-crash", 1);
        SimulatorControl control = env.simulator.control();
        long first = control.addActivities(ActivitySpec.plain().owner(3, 555), selected);
        long bystander = control.addActivities(ActivitySpec.plain().owner(3, 556), BYSTANDERS);
        control.setReplyLatency(new ReplyLatency(Duration.ofMillis(latencyMillis), Duration.ofMillis(latencyMillis)));
        long deletesBefore = control.callCount("crm.activity.delete");

        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(new ProducerRecord<>(t.requests(), utf8("erase-555"),
                utf8("{\"filter\":{\"OWNER_TYPE_ID\":3,\"OWNER_ID\":555},\"requestId\":\"erase-555\"}")));
        // id requests behind it: processed while the filter runs, remembered, never twice
        for (int i = 0; i < ID_REQUESTS; i++) {
            records.add(new ProducerRecord<>(t.requests(), utf8("id-" + i),
                    utf8("{\"id\":" + (bystander + BYSTANDERS + i) + ",\"requestId\":\"id-" + i + "\"}")));
        }
        control.addActivities(ActivitySpec.plain().owner(2, 1), ID_REQUESTS);

        Map<String, String> properties = new HashMap<>();
        properties.put("camel.main.name", "filter-crash-pipeline");
        properties.put("camel.management.enabled", "false");
        properties.put("bitrix24.consumer.group-id", "filter-crash-group");
        properties.put("bitrix24.consumer.poll-timeout-ms", "50");
        properties.put("camel.component.kafka.session-timeout-ms", "6000");
        // a static member: the restarted pipeline takes its partition over at once, without waiting for the killed
        // one's session to expire (one consumer thread, one instance at a time)
        properties.put("camel.component.kafka.group-instance-id", "filter-crash-pipeline");
        properties.put("camel.component.kafka.heartbeat-interval-ms", "1000");
        properties.put("camel.component.bitrix24.rate-plan", "off");
        properties.put("camel.component.bitrix24.max-attempts", "3");
        properties.put("camel.component.bitrix24.initial-backoff", "20");
        properties.put("camel.component.bitrix24.max-backoff", "100");
        properties.put("camel.component.bitrix24.response-timeout", "10000");

        List<Long> outcomesAtKill = new ArrayList<>();
        try (AutoCloseable noLatencyAfter = () -> control.setReplyLatency(ReplyLatency.NONE);
             TopicLoad load = new TopicLoad(env.broker.bootstrapServers());
             PipelineProcess pipeline = new PipelineProcess(
                     PipelineProcess.environment(env.broker.bootstrapServers(), env.simulator.webhookUrl(), t),
                     properties, dir.resolve("pipeline.log"))) {
            load.sendAll(records);
            for (int k = 0; k < kills; k++) {
                // the moment: after a random share of what is left is done, plus a pause shorter than a page
                long done = load.count(t.outcomeTopics());
                long left = selected + ID_REQUESTS - done;
                long target = done + 1 + random.nextInt((int) Math.max(1, left / (kills - k + 1)));
                pipeline.start();
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (load.count(t.outcomeTopics()) < target) {
                    assertThat(pipeline.isAlive()).as("the pipeline runs; its output:%n%s", tail(pipeline)).isTrue();
                    assertThat(System.nanoTime()).as("run %d did not reach %d outcomes within 120 s:%n%s", k + 1,
                            target, tail(pipeline)).isLessThan(deadline);
                    Thread.sleep(10);
                }
                // then the moment the next page's deletes have run on the portal, their replies still held back: a
                // page in flight (the simulator's own count, read in-process, so that the kill comes within the wait)
                long calls = control.callCount("crm.activity.delete");
                while (control.callCount("crm.activity.delete") == calls) {
                    assertThat(pipeline.isAlive()).as("the pipeline runs; its output:%n%s", tail(pipeline)).isTrue();
                    assertThat(System.nanoTime()).as("run %d sent no delete within 120 s", k + 1).isLessThan(deadline);
                    Thread.sleep(1);
                }
                Thread.sleep(random.nextInt(latencyMillis / 3));
                pipeline.kill();
                long at = load.count(t.outcomeTopics());
                outcomesAtKill.add(at);
                System.out.printf("kill %d at %d outcomes%n", k + 1, at);
                assertThat(at).as("kill %d came after the filter was done", k + 1).isLessThan(selected + ID_REQUESTS + 1);
            }
            pipeline.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (env.outcomes(t).stream().noneMatch(o -> OutcomeHeaders.FILTER_SUMMARY.equals(o.header(OutcomeHeaders.FILTER)))
                   || load.count(t.outcomeTopics()) < selected + ID_REQUESTS + 1) {
                assertThat(pipeline.isAlive()).as("the last run is alive:%n%s", tail(pipeline)).isTrue();
                assertThat(System.nanoTime()).as("the filter ends within 5 minutes:%n%s", tail(pipeline)).isLessThan(deadline);
                Thread.sleep(250);
            }
            // time for a second summary or outcome to show, if one were coming
            Thread.sleep(1_000);
            assertThat(pipeline.stop(Duration.ofSeconds(60))).as("exit code after SIGTERM").isIn(0, 130, 143);
        }

        List<Outcome> outcomes = env.outcomes(t);
        List<Outcome> activities = outcomes.stream()
                .filter(o -> OutcomeHeaders.FILTER_ACTIVITY.equals(o.header(OutcomeHeaders.FILTER))).toList();
        List<Outcome> summaries = outcomes.stream()
                .filter(o -> OutcomeHeaders.FILTER_SUMMARY.equals(o.header(OutcomeHeaders.FILTER))).toList();
        Map<String, Long> perActivity = activities.stream().collect(Collectors.groupingBy(
                o -> o.header(OutcomeHeaders.FILTER_ACTIVITY_ID), Collectors.counting()));
        Map<String, Long> perIdRequest = outcomes.stream().filter(o -> o.key().startsWith("id-"))
                .collect(Collectors.groupingBy(Outcome::key, Collectors.counting()));
        long notDeleted = activities.stream().filter(o -> !"DELETED".equals(o.header(OutcomeHeaders.OUTCOME))).count();
        long confirmed = activities.stream().filter(o -> o.value().contains("\"confirmedOnRetry\":true")).count();
        long deletes = control.callCount("crm.activity.delete") - deletesBefore;
        FireFigures.report("filter crash test: %d activities, %d kills, replies after %d ms (outcomes at each kill: %s), "
                + "%d per-activity outcomes for %d activities, %d not DELETED, %d confirmed on retry, %d summaries, "
                + "%d delete commands, lost %d", selected, kills, latencyMillis, outcomesAtKill, activities.size(),
                perActivity.size(), notDeleted, confirmed, summaries.size(), deletes, selected - perActivity.size());

        assertThat(perActivity).as("one outcome per selected activity, none lost").hasSize(selected);
        assertThat(perActivity.values()).as("no second outcome").allMatch(n -> n == 1);
        for (long id = first; id < first + selected; id++) {
            assertThat(perActivity).containsKey(String.valueOf(id));
            assertThat(control.activityExists(id)).as("activity %d", id).isFalse();
        }
        assertThat(notDeleted).as("NOT_FOUND or failures for activities that existed").isZero();
        // each kill came while a page's deletes had run without their replies: the next owner redid them
        assertThat(confirmed).as("deletes a killed run made, confirmed by the next").isGreaterThan(0);
        assertThat(summaries).as("one summary").hasSize(1);
        Outcome summary = summaries.get(0);
        assertThat(summary.topic()).isEqualTo(t.succeeded());
        assertThat(summary.record().offset()).as("written after every per-activity outcome")
                .isGreaterThan(activities.stream().mapToLong(o -> o.record().offset()).max().orElse(-1));
        JsonNode counts = JSON.readTree(summary.value());
        assertThat(counts.get("matched").asLong()).isEqualTo(selected);
        assertThat(counts.get("deleted").asLong()).isEqualTo(selected);
        assertThat(counts.get("notFound").asLong()).isZero();
        assertThat(counts.get("failed").asLong()).isZero();
        assertThat(perIdRequest).hasSize(ID_REQUESTS).allSatisfy((key, n) -> assertThat(n).as(key).isEqualTo(1));
        for (long id = bystander; id < bystander + BYSTANDERS; id++) {
            assertThat(control.activityExists(id)).as("bystander %d", id).isTrue();
        }
        assertThat(env.kafka.committed("filter-crash-group", t.requests()).values())
                .containsExactly((long) ID_REQUESTS + 1);
    }

    private static String tail(PipelineProcess pipeline) {
        String out = pipeline.output();
        return out.length() <= 6000 ? out : out.substring(out.length() - 6000);
    }
}
