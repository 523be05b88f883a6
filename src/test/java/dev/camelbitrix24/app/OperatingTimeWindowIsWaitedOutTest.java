package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.component.Bitrix24PortalWait;
import dev.camelbitrix24.simulator.Bitrix24Simulator;
import dev.camelbitrix24.simulator.OperatingTimeLimit;
import dev.camelbitrix24.simulator.RatePlan;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A portal whose operating-time limit binds, with a window far longer than a call's retry budget: the pipeline pauses
 * instead of dead-lettering, learns the limit from the first 429, and every request ends DELETED, exactly once. In
 * {@code mvn verify} the window is 3 s (10 buckets of 300 ms) and the budget 300 ms; with {@code -Psoak} it is a
 * real-length 10-minute window (10 buckets of 60 s, 30 s of operating time) with the shipped 60 s budget.
 */
@Tag("fire")
class OperatingTimeWindowIsWaitedOutTest {

    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    @Test
    void everyRequestIsDeletedAndNoneDeadLettered() {
        // verify: 1.5 s of operating time per 3 s window, 100 ms per delete: 15 per window, 60 requests;
        // soak: 30 s per 10 minutes, 100 ms per delete: 300 per window, 400 requests (a second window is waited for)
        int requests = FireFigures.figure("window.requests", 60, 400);
        Duration bucket = Duration.ofMillis(FireFigures.figure("window.bucket-millis", 300, 60_000));
        Duration budget = Duration.ofMillis(FireFigures.figure("window.limit-millis", 1_500, 30_000));
        OperatingTimeLimit limit = OperatingTimeLimit.DEFAULT.withLimit(budget).withBucketLength(bucket)
                .withProcessingTimePerCall(Duration.ofMillis(100));
        try (Bitrix24Simulator simulator = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).webhookCode("window")
                .seed(requests).ratePlan(RatePlan.OFF).randomSeed(7L).operatingTimeLimit(limit).start()) {
            PipelineTopics topics = env.newTopics("window", 3);
            for (int id = 1; id <= requests; id++) {
                env.kafka.send(topics.requests(), "w-" + id, "{\"id\":" + id + ",\"requestId\":\"w-" + id + "\"}");
            }
            Map<String, String> settings = env.settings(topics, "window-group");
            settings.put("bitrix24.webhook-url", simulator.webhookUrl());
            settings.put("camel.component.bitrix24.rate-plan", "off");
            if (!FireFigures.SOAK) {
                // every wait for the window (1 to 2 s: operating_reset_at is rounded to the second) outlasts the budget
                settings.put("camel.component.bitrix24.retry-budget", "300");
                // the default reserve (1 s of a real portal's 480 s) would be two thirds of this window
                settings.put("camel.component.bitrix24.operating-time-reserve", "0");
            }
            try (Pipeline pipeline = Pipeline.start(settings)) {
                PortalWaitPause pause = pipeline.camelContext().getRegistry().findSingleByType(PortalWaitPause.class);
                await().atMost(Duration.ofMinutes(2)).until(() -> pause.pauses() > 0);
                // the first window: the calls sent before the first 429 taught the limit. Counted once its pause has
                // ended, so that the replies of calls still on their way at the first 429 are counted with it
                await().atMost(bucket.multipliedBy(10).plusSeconds(30)).until(() -> pause.current() == null);
                long refusedWhileLearning = simulator.control().operatingLimitRejections();
                List<Outcome> outcomes = env.awaitOutcomes(topics, requests, bucket.multipliedBy(10).plusSeconds(90));
                Map<String, Long> perTopic = outcomes.stream()
                        .collect(Collectors.groupingBy(Outcome::topic, Collectors.counting()));
                assertThat(perTopic).as("every outcome on the succeeded topic").containsOnlyKeys(topics.succeeded());
                assertThat(outcomes.stream().map(Outcome::key).distinct().count()).as("one outcome per request")
                        .isEqualTo(requests).isEqualTo(outcomes.size());
                assertThat(pause.pauses()).as("the pipeline paused for the window").isPositive();
                assertThat(pause.pausedSeconds(Bitrix24PortalWait.Reason.OPERATING_TIME_LIMIT)).isPositive();
                for (long id = 1; id <= requests; id++) {
                    assertThat(simulator.control().activityExists(id)).as("activity " + id).isFalse();
                }
                long refused = simulator.control().operatingLimitRejections();
                FireFigures.report("operating-time window of %d s: %d requests, all DELETED once, 0 dead-lettered, %d pauses "
                                   + "(%.1f s), %d commands refused with 429 (%d while learning)",
                        bucket.multipliedBy(10).toSeconds(), requests, pause.pauses(),
                        pause.pausedSeconds(Bitrix24PortalWait.Reason.OPERATING_TIME_LIMIT), refused, refusedWhileLearning);
                assertThat(refusedWhileLearning).as("the first window's 429s, where the limit is learned").isPositive();
                assertThat(refused).as("no 429 once the limit is learned: the pipeline stops short of it")
                        .isEqualTo(refusedWhileLearning);
            }
        }
    }
}
