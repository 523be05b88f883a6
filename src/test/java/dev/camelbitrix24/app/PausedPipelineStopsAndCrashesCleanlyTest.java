package dev.camelbitrix24.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.component.Bitrix24PortalWait;
import dev.camelbitrix24.simulator.Bitrix24Simulator;
import dev.camelbitrix24.simulator.OperatingTimeLimit;
import dev.camelbitrix24.simulator.RatePlan;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * While the pipeline is paused for the portal's operating-time window, a graceful stop returns at once and commits
 * none of the held requests, and a SIGKILL loses none: the next run deletes them all, each with one outcome.
 */
@Tag("fire")
class PausedPipelineStopsAndCrashesCleanlyTest {

    private static final int REQUESTS = 40;

    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    /** 2 s of operating time per 10 s window, 100 ms per delete: 20 deletes, then a pause of several seconds. */
    private static Bitrix24Simulator slowPortal() {
        return Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).webhookCode("paused").seed(REQUESTS)
                .ratePlan(RatePlan.OFF).randomSeed(3L).operatingTimeLimit(OperatingTimeLimit.DEFAULT
                        .withLimit(Duration.ofSeconds(2)).withBucketLength(Duration.ofSeconds(1))
                        .withProcessingTimePerCall(Duration.ofMillis(100))).start();
    }

    private static PipelineTopics send(String name) {
        PipelineTopics topics = env.newTopics(name, 3);
        for (int id = 1; id <= REQUESTS; id++) {
            env.kafka.send(topics.requests(), "p-" + id, "{\"id\":" + id + ",\"requestId\":\"p-" + id + "\"}");
        }
        return topics;
    }

    private static long committed(String group, PipelineTopics topics) {
        return env.kafka.committed(group, topics.requests()).values().stream().mapToLong(Long::longValue).sum();
    }

    private static void assertEveryRequestDeletedOnce(PipelineTopics topics, Bitrix24Simulator simulator) {
        List<Outcome> outcomes = env.awaitOutcomes(topics, REQUESTS, Duration.ofSeconds(90));
        Map<String, Long> perKey = outcomes.stream().collect(Collectors.groupingBy(Outcome::key, Collectors.counting()));
        assertThat(perKey).hasSize(REQUESTS).allSatisfy((key, n) -> assertThat(n).as(key).isEqualTo(1L));
        assertThat(outcomes).allSatisfy(o -> assertThat(o.topic()).isEqualTo(topics.succeeded()));
        for (long id = 1; id <= REQUESTS; id++) {
            assertThat(simulator.control().activityExists(id)).as("activity " + id).isFalse();
        }
    }

    @Test
    void aGracefulStopDuringAPauseReturnsAtOnceAndCommitsNoHeldRequest() {
        try (Bitrix24Simulator simulator = slowPortal()) {
            PipelineTopics topics = send("paused-stop");
            Map<String, String> settings = env.settings(topics, "paused-stop-group");
            settings.put("bitrix24.webhook-url", simulator.webhookUrl());
            settings.put("camel.component.bitrix24.rate-plan", "off");
            settings.put("camel.component.bitrix24.retry-budget", "500");
            settings.put("camel.component.bitrix24.operating-time-reserve", "0");
            settings.put("camel.main.shutdown-timeout", "10");

            Pipeline pipeline = Pipeline.start(settings);
            PortalWaitPause pause = pipeline.camelContext().getRegistry().findSingleByType(PortalWaitPause.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> pause.current() != null);
            // the health check says what the pipeline waits for, and stays UP
            HealthCheck.Result health = HealthCheckHelper.invokeReadiness(pipeline.camelContext(), "full").stream()
                    .filter(r -> r.getCheck().getId().equals("portal-wait")).findFirst().orElseThrow();
            assertThat(health.getState()).isEqualTo(HealthCheck.State.UP);
            assertThat(health.getDetails()).containsEntry("paused", true)
                    .containsEntry("reason", Bitrix24PortalWait.Reason.OPERATING_TIME_LIMIT.name());
            assertThat(health.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("operating-time window"));

            long stopStarted = System.nanoTime();
            pipeline.close();
            long stopMillis = Duration.ofNanos(System.nanoTime() - stopStarted).toMillis();
            long written = env.outcomes(topics).size();
            long committed = committed("paused-stop-group", topics);
            System.out.printf("graceful stop during a pause: %d ms, %d outcomes, %d committed%n", stopMillis, written,
                    committed);
            assertThat(stopMillis).as("the stop does not wait for the pause").isLessThan(10_000);
            assertThat(written).as("some requests were held when it stopped").isLessThan(REQUESTS);
            // no held request is committed: below each partition's commit, every request has its outcome (an outcome
            // written behind a held request stays uncommitted until the held one is done)
            Map<Integer, Long> committedPerPartition = env.kafka.committed("paused-stop-group", topics.requests());
            Map<Integer, Long> withOutcome = env.outcomes(topics).stream().collect(Collectors.groupingBy(
                    o -> Integer.valueOf(o.header(OutcomeHeaders.ORIGINAL_PARTITION)), Collectors.counting()));
            committedPerPartition.forEach((partition, offset) -> assertThat(env.outcomes(topics).stream()
                    .filter(o -> o.header(OutcomeHeaders.ORIGINAL_PARTITION).equals(String.valueOf(partition)))
                    .map(o -> Long.parseLong(o.header(OutcomeHeaders.ORIGINAL_OFFSET))).filter(x -> x < offset).count())
                    .as("requests of partition %d below its commit %d with an outcome (%s)", partition, offset, withOutcome)
                    .isEqualTo(offset));
            assertThat(committed).isLessThanOrEqualTo(written);

            try (Pipeline again = Pipeline.start(settings)) {
                assertEveryRequestDeletedOnce(topics, simulator);
            }
        }
    }

    @Test
    void aKillDuringAPauseLosesNothing(@TempDir Path dir) throws Exception {
        try (Bitrix24Simulator simulator = slowPortal()) {
            PipelineTopics topics = send("paused-kill");
            Map<String, String> properties = new HashMap<>();
            properties.put("camel.main.name", "paused-kill");
            properties.put("camel.management.enabled", "false");
            properties.put("bitrix24.consumer.group-id", "paused-kill-group");
            properties.put("bitrix24.consumer.poll-timeout-ms", "200");
            properties.put("camel.component.kafka.session-timeout-ms", "6000");
            properties.put("camel.component.kafka.heartbeat-interval-ms", "1000");
            properties.put("camel.component.bitrix24.rate-plan", "off");
            properties.put("camel.component.bitrix24.retry-budget", "500");
            properties.put("camel.component.bitrix24.operating-time-reserve", "0");
            try (PipelineProcess pipeline = new PipelineProcess(
                    PipelineProcess.environment(env.broker.bootstrapServers(), simulator.webhookUrl(), topics), properties,
                    dir.resolve("pipeline.log"))) {
                pipeline.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.output().contains("Paused taking requests"));
                pipeline.kill();
                long written = env.outcomes(topics).size();
                System.out.printf("kill during a pause: %d outcomes, %d committed%n", written,
                        committed("paused-kill-group", topics));
                assertThat(written).as("some requests were held when it died").isLessThan(REQUESTS);

                pipeline.start();
                assertEveryRequestDeletedOnce(topics, simulator);
            }
        }
    }
}
