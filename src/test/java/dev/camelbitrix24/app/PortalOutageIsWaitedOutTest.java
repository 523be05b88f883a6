package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.component.Bitrix24PortalWait;
import dev.camelbitrix24.simulator.FaultSpec;
import dev.camelbitrix24.simulator.SimulatorControl;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A portal that answers nothing (every call, {@code profile} included, gets a gateway's 502 page) for many times the
 * retry budget: the requests are held, not dead-lettered, while the pipeline pauses and tries again, and once the
 * portal is back every one of them is deleted, exactly once. The instance stays in its group throughout.
 */
@Tag("fire")
class PortalOutageIsWaitedOutTest {

    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    @Test
    void requestsWaitForThePortalAndAreDeletedWhenItIsBack() throws Exception {
        int requests = 30;
        SimulatorControl control = env.simulator.control();
        control.seedActivities(500, requests);
        PipelineTopics topics = env.newTopics("outage", 3);
        Map<String, String> settings = env.settings(topics, "outage-group");
        settings.put("camel.component.bitrix24.rate-plan", "off");
        settings.put("camel.component.bitrix24.retry-budget", "500");
        settings.put("camel.component.bitrix24.max-backoff", "1000");
        long outageSeconds = FireFigures.figure("outage.seconds", 8, 120);
        try (Pipeline pipeline = Pipeline.start(settings)) {
            PortalWaitPause pause = pipeline.camelContext().getRegistry().findSingleByType(PortalWaitPause.class);
            control.injectFault(FaultSpec.badGatewayHtml());
            for (int i = 0; i < requests; i++) {
                env.kafka.send(topics.requests(), "o-" + i, "{\"id\":" + (500 + i) + ",\"requestId\":\"o-" + i + "\"}");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> pause.current() != null);
            assertThat(pause.current().reason()).isEqualTo(Bitrix24PortalWait.Reason.PORTAL_UNREACHABLE);
            Thread.sleep(outageSeconds * 1000);
            assertThat(env.outcomes(topics)).as("nothing ends while the portal is down").isEmpty();
            int pausesDuringOutage = pause.pauses();
            control.clearFaults();

            List<Outcome> outcomes = env.awaitOutcomes(topics, requests, Duration.ofSeconds(60));
            Map<String, Long> perKey = outcomes.stream().collect(Collectors.groupingBy(Outcome::key, Collectors.counting()));
            FireFigures.report("portal outage of %d s: %d requests, %d pauses, %.1f s paused, outcomes per topic %s",
                    outageSeconds, requests, pausesDuringOutage,
                    pause.pausedSeconds(Bitrix24PortalWait.Reason.PORTAL_UNREACHABLE),
                    outcomes.stream().collect(Collectors.groupingBy(Outcome::topic, Collectors.counting())));
            assertThat(perKey).hasSize(requests).allSatisfy((key, n) -> assertThat(n).as(key).isEqualTo(1L));
            assertThat(outcomes).allSatisfy(o -> assertThat(o.topic()).isEqualTo(topics.succeeded()));
            assertThat(pausesDuringOutage).as("paused, tried again, paused again").isGreaterThan(1);
            for (long id = 500; id < 500 + requests; id++) {
                assertThat(control.activityExists(id)).as("activity " + id).isFalse();
            }
        } finally {
            control.clearFaults();
        }
    }
}
