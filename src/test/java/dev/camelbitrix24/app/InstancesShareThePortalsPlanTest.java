package dev.camelbitrix24.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.simulator.Bitrix24Simulator;
import dev.camelbitrix24.simulator.OperatingTimeLimit;
import dev.camelbitrix24.simulator.RatePlan;
import dev.camelbitrix24.simulator.SimulatorControl;
import dev.camelbitrix24.simulator.TokenPair;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Instances of one consumer group split the portal's request bucket and operating-time budget between them with no
 * setting per instance: each paces at the share of the plan its partitions are of the topic's, so that together they
 * drain a backlog at the plan's rate and the portal refuses next to nothing. Each instance alone would take the whole
 * plan: two would start with twice the portal's burst, and the portal would refuse the second half.
 */
@Tag("fire")
class InstancesShareThePortalsPlanTest {

    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    @ParameterizedTest(name = "{0} instances, {1} partitions")
    @CsvSource({"2, 4", "3, 6"})
    void togetherTheyDrainWithinThePortalsBucket(int instances, int partitions) {
        // two instances share the bucket in the OAuth run below too: the short suite runs three here
        org.junit.jupiter.api.Assumptions.assumeTrue(FireFigures.SOAK || instances == 3,
                "two instances share the bucket in twoOAuthInstancesThroughTwoExpiriesAndAKillEndEveryRequestOnce");
        // a plan of 10 batch calls of burst and 2 a second: 500 deletes at once, then 100 a second
        int requests = FireFigures.figure("share.requests", 1_500, 8_000);
        RatePlan plan = RatePlan.custom(10, 2);
        String group = "share-" + instances;
        try (Bitrix24Simulator simulator = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).webhookCode("share")
                .seed(requests).ratePlan(plan).randomSeed(11L).replyLatency(Duration.ofMillis(50), Duration.ofMillis(150))
                .start()) {
            PipelineTopics topics = env.newTopics("share", partitions);
            Map<String, String> settings = env.settings(topics, group);
            settings.put("bitrix24.webhook-url", simulator.webhookUrl());
            settings.put("camel.component.bitrix24.rate-plan", "10/2");
            settings.put("camel.component.bitrix24.batching", "true");
            settings.put("camel.component.bitrix24.retry-budget", "60000");
            List<Pipeline> started = new ArrayList<>();
            try {
                for (int i = 0; i < instances; i++) {
                    settings.put("camel.main.name", group + "-" + i);
                    started.add(Pipeline.start(settings));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> env.assignment(group).size() == instances
                        && env.assignment(group).values().stream().allMatch(p -> p == partitions / instances));
                for (Pipeline pipeline : started) {
                    PlanShare share = pipeline.camelContext().getRegistry().findSingleByType(PlanShare.class);
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(share.current())
                            .as("each instance's share of the plan").isCloseTo(1.0 / instances,
                                    org.assertj.core.data.Offset.offset(1e-9)));
                }

                long started1 = System.nanoTime();
                env.kafka.sendAll(topics.requests(), requests, i -> new ProducerRecord<>(topics.requests(),
                        (i + 1) % partitions, utf8("p-" + (i + 1)),
                        utf8("{\"id\":" + (i + 1) + ",\"requestId\":\"p-" + (i + 1) + "\"}")));
                List<Outcome> outcomes = env.awaitOutcomes(topics, requests, Duration.ofSeconds(30 + requests / 25));
                double seconds = (System.nanoTime() - started1) / 1e9;

                Map<String, Long> perTopic = outcomes.stream()
                        .collect(Collectors.groupingBy(Outcome::topic, Collectors.counting()));
                assertThat(perTopic).as("every request DELETED").containsOnlyKeys(topics.succeeded());
                assertThat(outcomes.stream().map(Outcome::key).distinct().count()).as("one outcome per request")
                        .isEqualTo(requests).isEqualTo(outcomes.size());
                assertThat(simulator.control().activityCount()).isZero();
                long refused = simulator.control().rateLimitRejections();
                FireFigures.report("%d instances sharing a 10/2 plan: %d requests DELETED once in %.1f s (schedule %.1f s "
                                   + "after the burst, clock from the first request sent), %d batch calls, %d refused with 503", instances, requests, seconds,
                        (requests - 500) / 100.0, simulator.control().callCount("batch"), refused);
                assertThat(refused).as("calls the portal refused for its bucket").isLessThanOrEqualTo(5);
            } finally {
                started.forEach(Pipeline::close);
            }
        }
    }

    @Test
    void twoInstancesSpendTheOperatingTimeBudgetTogetherWithoutRunningIntoIt() {
        // 1.5 s of operating time per 3 s window, 100 ms per delete: 15 deletes per window for both instances together
        int requests = FireFigures.figure("share.window-requests", 60, 600);
        OperatingTimeLimit limit = OperatingTimeLimit.DEFAULT.withLimit(Duration.ofMillis(1_500))
                .withBucketLength(Duration.ofMillis(300)).withProcessingTimePerCall(Duration.ofMillis(100));
        String group = "share-window";
        try (Bitrix24Simulator simulator = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).webhookCode("window")
                .seed(requests).ratePlan(RatePlan.OFF).randomSeed(13L).operatingTimeLimit(limit).start()) {
            PipelineTopics topics = env.newTopics("share-window", 4);
            Map<String, String> settings = env.settings(topics, group);
            settings.put("bitrix24.webhook-url", simulator.webhookUrl());
            settings.put("camel.component.bitrix24.rate-plan", "off");
            // every wait for the window (1 to 2 s: operating_reset_at is rounded to the second) outlasts the budget
            settings.put("camel.component.bitrix24.retry-budget", "300");
            // the default reserve (1 s of a real portal's 480 s) would be two thirds of this window
            settings.put("camel.component.bitrix24.operating-time-reserve", "0");
            // the limit known, as the portal's docs give it: each instance paces up to it from the first figures on
            settings.put("camel.component.bitrix24.operating-time-limit", "1500");
            List<Pipeline> started = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    settings.put("camel.main.name", group + "-" + i);
                    started.add(Pipeline.start(settings));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> started.stream().allMatch(p -> share(p) == 0.5));
                for (int id = 1; id <= requests; id++) {
                    env.kafka.send(topics.requests(), id % 4, "w-" + id,
                            utf8("{\"id\":" + id + ",\"requestId\":\"w-" + id + "\"}"), Map.of());
                }
                List<PortalWaitPause> pauses = started.stream()
                        .map(p -> p.camelContext().getRegistry().findSingleByType(PortalWaitPause.class)).toList();
                List<Outcome> outcomes = env.awaitOutcomes(topics, requests, Duration.ofSeconds(120));
                assertThat(outcomes).as("every request DELETED, none dead-lettered")
                        .allSatisfy(o -> assertThat(o.topic()).isEqualTo(topics.succeeded()));
                assertThat(outcomes.stream().map(Outcome::key).distinct().count()).as("one outcome per request")
                        .isEqualTo(requests).isEqualTo(outcomes.size());
                long refused = simulator.control().operatingLimitRejections();
                FireFigures.report("2 instances sharing an operating-time window of 3 s (15 deletes): %d requests DELETED "
                                   + "once, %d commands refused with 429, %d and %d pauses", requests, refused,
                        pauses.get(0).pauses(), pauses.get(1).pauses());
                // each taking the whole window's room, the two refuse about a window's worth (19 commands in a run);
                // each taking its share, a few commands at the edge of a window, when one instance's latest figures
                // are older than the other's (3 in each of three runs)
                assertThat(refused).as("commands refused with 429, in all").isLessThanOrEqualTo(7);
            } finally {
                started.forEach(Pipeline::close);
            }
        }
    }

    /**
     * The scaled-out run of a real portal in OAuth mode: two instances (one a JVM of its own, killed mid-run), every
     * access token expired twice while the backlog drains. The survivor takes over the dead one's partitions, its
     * share of the plan and the token pair it may have rotated last.
     */
    @Test
    void twoOAuthInstancesThroughTwoExpiriesAndAKillEndEveryRequestOnce(@TempDir Path dir) {
        boolean soak = FireFigures.SOAK;
        int requests = FireFigures.figure("share.oauth-requests", 1_500, 8_000);
        RatePlan plan = soak ? RatePlan.STANDARD : RatePlan.custom(10, 2);
        String ratePlan = soak ? "standard" : "10/2";
        SimulatorControl control = env.simulator.control();
        control.setRatePlan(plan);
        control.seedActivities(100_001, requests);
        control.registerOAuthApp("scaled.app", "scaled-secret-29");
        TokenPair installed = control.issueTokens("scaled.app", 1);
        long refusedBefore = control.rateLimitRejections();
        String group = "share-oauth";
        PipelineTopics topics = env.newTopics("share-oauth", 4);
        Map<String, String> settings = env.oauthSettings(topics, group, "scaled.app", "scaled-secret-29", installed);
        settings.put("camel.component.bitrix24.rate-plan", ratePlan);
        settings.put("camel.component.bitrix24.retry-budget", "60000");
        settings.put("camel.component.kafka.session-timeout-ms", "6000");
        settings.put("camel.component.kafka.heartbeat-interval-ms", "1000");

        // instance a: a JVM of its own, configured as a user would
        Map<String, String> environment = env.oauthProcessEnvironment(topics, settings);
        environment.put("BITRIX24_RATE_PLAN", ratePlan);
        Map<String, String> properties = PipelineTestEnvironment.processProperties(group + "-a", group);
        properties.put("camel.component.kafka.session-timeout-ms", "6000");
        properties.put("camel.component.kafka.heartbeat-interval-ms", "1000");
        long started;
        try (PipelineProcess a = new PipelineProcess(environment, properties, dir.resolve("a.log"));
             Pipeline b = Pipeline.start(settings)) {
            a.start();
            PlanShare bShare = b.camelContext().getRegistry().findSingleByType(PlanShare.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> env.assignment(group).size() == 2 && bShare.current() == 0.5);
            started = System.nanoTime();
            env.kafka.sendAll(topics.requests(), requests, i -> new ProducerRecord<>(topics.requests(), i % 4,
                    utf8("o-" + (100_001 + i)), utf8("{\"id\":" + (100_001 + i) + ",\"requestId\":\"o-" + (100_001 + i) + "\"}")));
            await().atMost(Duration.ofSeconds(60)).until(() -> env.outcomes(topics).size() >= requests / 4);
            control.expireAccessTokens();
            await().atMost(Duration.ofSeconds(60)).until(() -> env.outcomes(topics).size() >= requests / 2);
            // -Dfire.share.kill=0 leaves both running: the same run's time without the hand-over
            boolean kill = FireFigures.figure("share.kill", 1, 1) == 1;
            if (kill) {
                a.kill();
                await().atMost(Duration.ofSeconds(60)).until(() -> bShare.current() == 1.0);
            }
            control.expireAccessTokens();
            env.awaitOutcomes(topics, requests, Duration.ofSeconds(60 + requests / 25));
        } finally {
            control.setRatePlan(RatePlan.OFF);
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        List<Outcome> outcomes = env.outcomes(topics);
        Map<String, Long> perKey = outcomes.stream().collect(Collectors.groupingBy(Outcome::key, Collectors.counting()));
        long refused = control.rateLimitRejections() - refusedBefore;
        FireFigures.report("2 OAuth instances on a %s plan, every access token expired twice, %s: %d requests, %d "
                           + "outcomes in %.1f s from the first request sent, %d refused with 503", ratePlan,
                FireFigures.figure("share.kill", 1, 1) == 1 ? "one killed mid-run" : "none killed", requests,
                outcomes.size(), seconds, refused);
        assertThat(perKey).as("one outcome per request").hasSize(requests)
                .allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
        assertThat(outcomes).as("every request DELETED: none rejected for a token, none lost to the kill")
                .allSatisfy(o -> assertThat(o.header(OutcomeHeaders.OUTCOME)).as(o.key()).isEqualTo("DELETED"));
        for (long id = 100_001; id < 100_001 + requests; id++) {
            assertThat(control.activityExists(id)).as("activity %d", id).isFalse();
        }
        assertThat(refused).as("calls the portal refused for its bucket").isLessThanOrEqualTo(5);
    }

    private static double share(Pipeline pipeline) {
        return pipeline.camelContext().getRegistry().findSingleByType(PlanShare.class).current();
    }
}
