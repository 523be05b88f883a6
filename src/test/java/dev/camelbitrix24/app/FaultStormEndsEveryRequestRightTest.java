package dev.camelbitrix24.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import dev.camelbitrix24.simulator.Bitrix24Simulator;
import dev.camelbitrix24.simulator.FaultSpec;
import dev.camelbitrix24.simulator.OperatingTimeLimit;
import dev.camelbitrix24.simulator.RatePlan;
import dev.camelbitrix24.simulator.SimulatorControl;
import dev.camelbitrix24.simulator.TokenPair;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A seeded storm of Bitrix24 faults on every REST call while the pipeline runs in OAuth mode: 10% 500 and 10% 502
 * with HTML pages, 10% 503 QUERY_LIMIT_EXCEEDED, 5% replies slower than the client's timeout, 5% connections reset
 * mid-reply, 5% replies lost after the delete happened, 429 OPERATION_TIME_LIMIT windows, and access tokens that
 * expire mid-run. Every request ends exactly once, on the topic that matches the simulator's final state (succeeded:
 * gone; not-found: only ids that never existed or were deleted before; dead-letter: either), none is stuck, none is
 * dead-lettered for the portal's limits (429 windows and 503s are waited out), and no activity that was not asked for
 * is deleted.
 */
@Tag("fire")
class FaultStormEndsEveryRequestRightTest {

    private static final String CLIENT_ID = "storm.app";
    /** The cloud's limit, over ten buckets of 100 ms: never reached here, and the 429 windows reset within a second. */
    private static final OperatingTimeLimit OPEN = OperatingTimeLimit.DEFAULT.withBucketLength(Duration.ofMillis(100));
    private static final String CLIENT_SECRET = "storm-client-secret-value";
    private static final String HTML_500 = "<html><head><title>500 Internal Server Error</title></head><body>"
            + "<center><h1>500 Internal Server Error</h1></center><hr><center>nginx</center></body></html>";

    @Test
    void everyRequestEndsOnceOnTheTopicThatMatchesThePortal(@TempDir Path dir) throws Exception {
        int requests = FireFigures.figure("storm.requests", 1_000, 5_000);
        // twice as many activities as requests: half of them are never asked for, and must all survive
        int seedActivities = 2 * requests;
        long seed = FireFigures.seed();
        Random random = new Random(seed);
        System.out.printf("fault storm: %d requests, seed %d%n", requests, seed);

        try (PipelineTestEnvironment env = PipelineTestEnvironment.start();
             Bitrix24Simulator simulator = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).seed(seedActivities)
                     .ratePlan(RatePlan.OFF).randomSeed(seed).operatingTimeLimit(OPEN).start();
             TopicLoad load = new TopicLoad(env.broker.bootstrapServers())) {
            SimulatorControl control = simulator.control();
            control.registerOAuthApp(CLIENT_ID, CLIENT_SECRET);
            TokenPair tokens = control.issueTokens(CLIENT_ID, 1);

            // the requests: mostly existing activities, some that never existed, some deleted before the run
            Set<Long> neverExisted = new HashSet<>();
            Set<Long> deletedBefore = new HashSet<>();
            Set<Long> requested = new HashSet<>();
            List<Long> ids = new ArrayList<>();
            List<Long> shuffled = new ArrayList<>();
            for (long id = 1; id <= seedActivities; id++) {
                shuffled.add(id);
            }
            java.util.Collections.shuffle(shuffled, random);
            for (int i = 0; i < requests; i++) {
                int kind = random.nextInt(20);
                long id;
                if (kind == 0) {
                    id = 900_000 + i;
                    neverExisted.add(id);
                } else {
                    id = shuffled.get(i);
                    if (kind == 1) {
                        deletedBefore.add(id);
                    }
                }
                requested.add(id);
                ids.add(id);
            }
            for (long id : deletedBefore) {
                deleteThroughWebhook(simulator, id);
                assertThat(control.activityExists(id)).isFalse();
            }
            Set<Long> existingBefore = existing(control, seedActivities);

            PipelineTopics t = env.newTopics("storm", 3);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (long id : ids) {
                records.add(new ProducerRecord<>(t.requests(), utf8("a-" + id), utf8("{\"id\":" + id + ",\"requestId\":\"a-" + id + "\"}")));
            }
            // three waves: the access tokens expire between them, so calls always meet an expired token
            List<List<ProducerRecord<byte[], byte[]>>> waves = List.of(records.subList(0, records.size() / 3),
                    records.subList(records.size() / 3, 2 * records.size() / 3),
                    records.subList(2 * records.size() / 3, records.size()));
            load.sendAll(waves.get(0));

            injectStorm(control);
            Map<String, String> settings = env.settings(t, "storm-group");
            // the storm brings its own 503s and 429s; the client's pacer would only slow the run down
            settings.put("camel.component.bitrix24.rate-plan", "off");
            settings.put("bitrix24.webhook-url", "");
            settings.put("bitrix24.portal-url", simulator.baseUrl());
            settings.put("bitrix24.client-id", CLIENT_ID);
            settings.put("bitrix24.client-secret", CLIENT_SECRET);
            settings.put("bitrix24.access-token", tokens.accessToken());
            settings.put("bitrix24.refresh-token", tokens.refreshToken());
            settings.put("camel.component.bitrix24.oauth-token-url", simulator.oauthTokenUrl());
            settings.put("bitrix24.token-file", dir.resolve("tokens.json").toString());
            settings.put("bitrix24.consumer.threads", "3");
            settings.put("camel.component.bitrix24.max-attempts", "6");
            settings.put("camel.component.bitrix24.initial-backoff", "10");
            settings.put("camel.component.bitrix24.max-backoff", "50");
            settings.put("camel.component.bitrix24.rate-limit-wait", "20");
            settings.put("camel.component.bitrix24.operation-time-limit-wait", "50");
            settings.put("camel.component.bitrix24.response-timeout", "500");
            settings.put("camel.component.bitrix24.retry-budget", "20000");

            AtomicInteger windows = new AtomicInteger();
            AtomicInteger expiries = new AtomicInteger();
            ScheduledExecutorService weather = Executors.newSingleThreadScheduledExecutor();
            try (Pipeline pipeline = Pipeline.start(settings)) {
                // 429 windows: now and then the method is blocked by its operating-time limit for about a second (a
                // window of ten 100 ms buckets, so that operating_reset_at is always within a second or two)
                weather.scheduleWithFixedDelay(() -> {
                    control.setOperatingTimeLimit(new OperatingTimeLimit(Duration.ZERO, Duration.ofMillis(100),
                            Duration.ofMillis(5), Duration.ZERO));
                    windows.incrementAndGet();
                    sleep(800);
                    control.setOperatingTimeLimit(OPEN);
                }, 300, 1500, TimeUnit.MILLISECONDS);
                // once a wave has all its outcomes, the access tokens expire and the next wave is sent
                int sent = waves.get(0).size();
                for (int wave = 1; wave < waves.size(); wave++) {
                    int done = sent;
                    await().atMost(Duration.ofMinutes(3)).until(() -> load.count(t.outcomeTopics()) >= done);
                    control.expireAccessTokens();
                    expiries.incrementAndGet();
                    load.sendAll(waves.get(wave));
                    sent += waves.get(wave).size();
                }
                env.awaitOutcomes(t, ids.size(), Duration.ofMinutes(4));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                        env.kafka.committed("storm-group", t.requests()).values().stream().mapToLong(Long::longValue).sum())
                        .as("committed to the end: nothing stuck").isEqualTo(ids.size()));
            } finally {
                weather.shutdownNow();
                weather.awaitTermination(5, TimeUnit.SECONDS);
                control.setOperatingTimeLimit(OPEN);
            }
            control.clearFaults();

            List<Outcome> outcomes = env.outcomes(t);
            Map<String, List<Outcome>> byKey = outcomes.stream().collect(Collectors.groupingBy(Outcome::key));
            Map<String, Long> perTopic = outcomes.stream().collect(Collectors.groupingBy(Outcome::topic, Collectors.counting()));
            Map<String, Long> perOutcome = outcomes.stream()
                    .collect(Collectors.groupingBy(o -> o.header(OutcomeHeaders.OUTCOME), Collectors.counting()));
            FireFigures.report("fault storm: %d requests, outcomes per topic %s, per type %s, %d 429 windows, %d token "
                    + "expiries, %d refreshes, calls %s, rate-limit refusals %d, operating-limit refusals %d, duplicate outcomes %d, lost %d",
                    ids.size(), perTopic, perOutcome, windows.get(), expiries.get(), control.tokenRefreshCount(),
                    control.callCounts(), control.rateLimitRejections(), control.operatingLimitRejections(),
                    outcomes.size() - byKey.size(), ids.size() - byKey.size());

            // Every request has exactly one outcome (no crash here), and it matches the portal
            assertThat(byKey).as("every request has an outcome").hasSize(ids.size());
            assertThat(outcomes).as("one outcome per request").hasSize(ids.size());
            for (long id : ids) {
              for (Outcome o : byKey.get("a-" + id)) {
                String where = "request for activity " + id + " on " + o.topic() + " (" + o.header(OutcomeHeaders.OUTCOME)
                        + ", " + o.header(OutcomeHeaders.ERROR_DESCRIPTION) + ")";
                if (o.topic().equals(t.succeeded())) {
                    assertThat(control.activityExists(id)).as(where).isFalse();
                } else if (o.topic().equals(t.notFound())) {
                    assertThat(neverExisted.contains(id) || deletedBefore.contains(id))
                            .as(where + ": not-found only for an id that never existed or was deleted before").isTrue();
                } else {
                    assertThat(o.topic()).as(where).isEqualTo(t.deadLetter());
                }
              }
            }
            // the storm really blew: every kind of weather was met
            assertThat(control.operatingLimitRejections()).as("429 OPERATION_TIME_LIMIT replies").isPositive();
            assertThat(control.tokenRefreshCount()).as("refreshes after expired tokens").isGreaterThanOrEqualTo(expiries.get());
            // the portal's own limits are waited out, never dead-lettered: a 429 window or a full bucket is no request's fault
            assertThat(perOutcome).as("no request ends on a limit that lifts by itself")
                    .doesNotContainKeys("OPERATION_TIME_LIMIT", "RATE_LIMITED");
            // with batching one fault hits a whole batch
            assertThat(perOutcome.getOrDefault("DELETED", 0L)).as("a good part of the requests gets through the storm")
                    .isGreaterThan(ids.size() / 4L);
            // nothing was deleted that was not asked for
            Set<Long> gone = new HashSet<>(existingBefore);
            gone.removeAll(existing(control, seedActivities));
            assertThat(requested).as("every activity that disappeared was requested").containsAll(gone);
        }
    }

    /** The storm: first matching fault wins, so each fraction is the share of what the faults before it left over. */
    private static void injectStorm(SimulatorControl control) {
        double left = 1.0;
        left = add(control, FaultSpec.status(500, HTML_500), 0.10, left);
        left = add(control, FaultSpec.badGatewayHtml(), 0.10, left);
        left = add(control, FaultSpec.status(503, "{\"error\":\"QUERY_LIMIT_EXCEEDED\",\"error_description\":\"Too many requests\"}"),
                0.10, left);
        left = add(control, FaultSpec.delay(Duration.ofMillis(1500)), 0.05, left);
        left = add(control, FaultSpec.resetMidReply(), 0.05, left);
        add(control, FaultSpec.replyLost(), 0.05, left);
    }

    private static double add(SimulatorControl control, FaultSpec fault, double share, double left) {
        control.injectFault(fault.fraction(share / left));
        return left - share;
    }

    private static Set<Long> existing(SimulatorControl control, int seedActivities) {
        Set<Long> ids = new HashSet<>();
        for (long id = 1; id <= seedActivities; id++) {
            if (control.activityExists(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    private static void deleteThroughWebhook(Bitrix24Simulator simulator, long id) throws Exception {
        HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(simulator.webhookUrl() + "crm.activity.delete"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new ObjectMapper().writeValueAsString(Map.of("id", id))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
