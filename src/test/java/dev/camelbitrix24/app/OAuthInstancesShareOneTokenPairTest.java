package dev.camelbitrix24.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.simulator.SimulatorControl;
import dev.camelbitrix24.simulator.TokenPair;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Instances of one OAuth application (each its own Camel context, component and token store, as on two machines)
 * share one token pair through the compacted token topic: the refresh token that one instance rotates is the one the
 * others use next, whether both meet the expired token at once or one of them dies right after its refresh.
 */
class OAuthInstancesShareOneTokenPairTest {

    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    @Test
    void twoInstancesThroughTwoExpiriesDeleteEveryRequestOnceAndRejectNone() {
        PipelineTopics t = env.newTopics("oauth-two", 2);
        SimulatorControl control = env.simulator.control();
        control.registerOAuthApp("shared.app", "shared-secret-41");
        TokenPair installed = control.issueTokens("shared.app", 1);
        long refreshesBefore = control.tokenRefreshCount();
        long tokenRequestsBefore = control.tokenRequestCount();
        String group = "oauth-two-group";

        try (Pipeline a = Pipeline.start(env.oauthSettings(t, group, "shared.app", "shared-secret-41", installed));
             Pipeline b = Pipeline.start(env.oauthSettings(t, group, "shared.app", "shared-secret-41", installed))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> membersWithPartitions(group) == 2);
            send(t, 301, 400);
            env.awaitOutcomes(t, 100, Duration.ofSeconds(30));
            // every access token expires while requests keep coming, twice: both instances meet expired_token at once
            control.expireAccessTokens();
            send(t, 401, 500);
            env.awaitOutcomes(t, 200, Duration.ofSeconds(30));
            control.expireAccessTokens();
            send(t, 501, 600);
            env.awaitOutcomes(t, 300, Duration.ofSeconds(30));
        }

        List<Outcome> outcomes = env.outcomes(t);
        Map<String, Long> perKey = outcomes.stream().collect(Collectors.groupingBy(Outcome::key, Collectors.counting()));
        assertThat(perKey).hasSize(300).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
        assertThat(outcomes).allSatisfy(o -> assertThat(o.header(OutcomeHeaders.OUTCOME)).as(o.key()).isEqualTo("DELETED"));
        for (long id = 301; id <= 600; id++) {
            assertThat(control.activityExists(id)).as("activity %d", id).isFalse();
        }
        long refreshes = control.tokenRefreshCount() - refreshesBefore;
        long tokenRequests = control.tokenRequestCount() - tokenRequestsBefore;
        LoggerFactory.getLogger(getClass()).info("Two instances, two expiries: {} refreshes, {} token requests", refreshes,
                tokenRequests);
        assertThat(refreshes).as("one refresh per expiry: the other instance took the stored pair").isEqualTo(2);
        assertThat(tokenRequests).as("a simultaneous refresh at most per expiry").isLessThanOrEqualTo(4);
    }

    @Test
    void aPairSavedByAnInstanceKilledRightAfterIsWhatTheOtherInstanceUses(@TempDir Path dir) {
        PipelineTopics t = env.newTopics("oauth-killed", 2);
        SimulatorControl control = env.simulator.control();
        control.registerOAuthApp("killed.app", "killed-secret-83");
        TokenPair installed = control.issueTokens("killed.app", 1);
        String group = "oauth-killed-group";
        Map<String, String> settings = env.oauthSettings(t, group, "killed.app", "killed-secret-83", installed);
        String tokenTopic = settings.get("bitrix24.topic.oauth-tokens");
        long refreshesBefore = control.tokenRefreshCount();
        long tokenRequestsBefore = control.tokenRequestCount();

        // instance a: a JVM of its own, configured as a user would; instance b: in this JVM; both with the installed pair
        Map<String, String> environment = env.oauthProcessEnvironment(t, settings);
        Map<String, String> properties = PipelineTestEnvironment.processProperties("oauth-killed-a", group);
        try (Pipeline b = Pipeline.start(settings);
             PipelineProcess a = new PipelineProcess(environment, properties, dir.resolve("a.log"))) {
            a.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> membersWithPartitions(group) == 2);
            int partitionOfA = partitionOf(group, "oauth-killed-a");
            int partitionOfB = 1 - partitionOfA;

            // a meets the expired token, refreshes (spending the installed refresh token), saves, deletes: killed
            control.expireAccessTokens();
            send(t, partitionOfA, 701, 701);
            await().atMost(Duration.ofSeconds(30)).until(() -> env.kafka.readAll(t.succeeded()).size() == 1);
            assertThat(env.kafka.readAll(tokenTopic)).hasSize(1);
            a.kill();
            assertThat(control.tokenRefreshCount() - refreshesBefore).isEqualTo(1);

            // b still holds the installed pair: its expired token makes it take a's pair from the topic
            send(t, partitionOfB, 702, 706);
            env.awaitOutcomes(t, 6, Duration.ofSeconds(30));
            // and a's rotated refresh token is the one b refreshes with next
            control.expireAccessTokens();
            send(t, partitionOfB, 707, 711);
            env.awaitOutcomes(t, 11, Duration.ofSeconds(30));
        }

        List<Outcome> outcomes = env.outcomes(t);
        assertThat(outcomes).hasSize(11).allSatisfy(o -> assertThat(o.header(OutcomeHeaders.OUTCOME)).as(o.key())
                .isEqualTo("DELETED"));
        assertThat(control.tokenRefreshCount() - refreshesBefore).as("a's refresh, then b's with a's refresh token")
                .isEqualTo(2);
        assertThat(control.tokenRequestCount() - tokenRequestsBefore).as("no refresh with the spent refresh token")
                .isEqualTo(2);
    }

    private static void send(PipelineTopics topics, int from, int to) {
        send(topics, null, from, to);
    }

    private static void send(PipelineTopics topics, Integer partition, int from, int to) {
        for (int i = from; i <= to; i++) {
            env.kafka.send(topics.requests(), partition, "o-" + i, utf8("{\"id\":" + i + ",\"requestId\":\"o-" + i + "\"}"),
                    Map.of());
        }
    }

    /** The partition of the request topic that the member whose client id starts so owns (one each). */
    private static int partitionOf(String group, String clientIdPrefix) {
        try {
            ConsumerGroupDescription d = env.kafka.admin().describeConsumerGroups(List.of(group)).all()
                    .get(10, TimeUnit.SECONDS).get(group);
            return d.members().stream().filter(m -> m.clientId().startsWith(clientIdPrefix)).findFirst().orElseThrow()
                    .assignment().topicPartitions().iterator().next().partition();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Members of the group that own at least one partition. */
    private static long membersWithPartitions(String group) {
        return env.assignment(group).values().stream().filter(p -> p > 0).count();
    }
}
