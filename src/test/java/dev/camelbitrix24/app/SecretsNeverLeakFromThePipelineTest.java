package dev.camelbitrix24.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.camelbitrix24.component.Bitrix24TokenPair;
import dev.camelbitrix24.component.support.CapturedOutput;
import dev.camelbitrix24.simulator.ActivitySpec;
import dev.camelbitrix24.simulator.Bitrix24Simulator;
import dev.camelbitrix24.simulator.FaultSpec;
import dev.camelbitrix24.simulator.RatePlan;
import dev.camelbitrix24.simulator.SimulatorControl;
import dev.camelbitrix24.simulator.TokenPair;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline runs with a known webhook code (as its own JVM), then with a known client secret and OAuth tokens (in
 * this JVM, tokens expiring and rotating mid-run), through successes, Bitrix24 errors, HTML error pages, lost and cut
 * replies and malformed requests. Afterwards no secret (nor a rotated token) is in: the JVM's stdout/stderr, the
 * Log4j output, any record on the six topics (keys, values, header names and values), {@code /observe/metrics} and
 * {@code /observe/health}, and the failures' exception messages and stack traces. The simulator's own loggers are
 * left out of the search: the portal knows the secrets by design.
 */
@Tag("fire")
class SecretsNeverLeakFromThePipelineTest {

    private static final String WEBHOOK_CODE = "fireWebhookC0de7q9x";
    private static final String CLIENT_ID = "fire.secret.app";
    private static final String CLIENT_SECRET = "fireCl1entS3cretValue42";
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_ID = new java.util.concurrent.atomic.AtomicInteger(100);

    @Test
    void aSeparatePipelineJvmInWebhookModeShowsNoWebhookCode(@TempDir Path dir) throws Exception {
        try (PipelineTestEnvironment env = PipelineTestEnvironment.start();
             Bitrix24Simulator simulator = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).webhookCode(WEBHOOK_CODE)
                     .seed(1000).ratePlan(RatePlan.OFF).start()) {
            SimulatorControl control = simulator.control();
            PipelineTopics t = env.newTopics("secrets-webhook", 1);
            int requests = feedMix(env, t, control);

            int managementPort = EmbeddedKafkaBroker.freePort("127.0.0.1");
            Map<String, String> properties = new HashMap<>();
            properties.put("camel.main.name", "secrets-pipeline");
            properties.put("camel.management.enabled", "true");
            properties.put("camel.management.host", "127.0.0.1");
            properties.put("camel.management.port", String.valueOf(managementPort));
            properties.put("bitrix24.consumer.group-id", "secrets-group");
            properties.put("bitrix24.consumer.poll-timeout-ms", "200");
            // with batching one fault hits every delete of a batch: enough attempts to get through the five armed ones
            properties.put("camel.component.bitrix24.max-attempts", "6");
            properties.put("camel.component.bitrix24.initial-backoff", "10");
            properties.put("camel.component.bitrix24.response-timeout", "500");
            String metrics;
            String health;
            try (PipelineProcess pipeline = new PipelineProcess(
                    PipelineProcess.environment(env.broker.bootstrapServers(), simulator.webhookUrl(), t), properties,
                    dir.resolve("pipeline.log"))) {
                pipeline.start();
                env.awaitOutcomes(t, requests, Duration.ofSeconds(90));
                metrics = get("http://127.0.0.1:" + managementPort + "/observe/metrics");
                health = getAnyStatus("http://127.0.0.1:" + managementPort + "/observe/health");
                pipeline.stop(Duration.ofSeconds(60));
                String output = pipeline.output();
                assertThat(output).as("the pipeline JVM printed its banner").contains("Bitrix24 deletion pipeline is running");
                assertThat(metrics).as("metrics were served").contains("camel_routes_running_routes", "bitrix24_outcomes_total");
                assertThat(outcomeTypes(env, t)).as("the mix reached every kind of outcome")
                        .contains("DELETED", "ACCESS_DENIED", "INVALID_REQUEST");

                List<String> secrets = List.of(WEBHOOK_CODE);
                assertNoSecret("the pipeline JVM's stdout and stderr", output, secrets);
                assertNoSecret("/observe/metrics", metrics, secrets);
                assertNoSecret("/observe/health", health, secrets);
                assertNoSecret("the records on every topic", allRecords(env, t), secrets);
            }
        }
    }

    @Test
    void anOAuthPipelineShowsNoClientSecretAndNoTokenEvenWhileTokensRotate(@TempDir Path dir) throws Exception {
        try (PipelineTestEnvironment env = PipelineTestEnvironment.start();
             Bitrix24Simulator simulator = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1)
                     .seed(1000).ratePlan(RatePlan.OFF).start()) {
            SimulatorControl control = simulator.control();
            control.registerOAuthApp(CLIENT_ID, CLIENT_SECRET);
            TokenPair installed = control.issueTokens(CLIENT_ID, 1);
            PipelineTopics t = env.newTopics("secrets-oauth", 1);

            int managementPort = EmbeddedKafkaBroker.freePort("127.0.0.1");
            Map<String, String> settings = env.settings(t, "secrets-oauth-group");
            settings.put("bitrix24.webhook-url", "");
            settings.put("bitrix24.portal-url", simulator.baseUrl());
            settings.put("bitrix24.client-id", CLIENT_ID);
            settings.put("bitrix24.client-secret", CLIENT_SECRET);
            settings.put("bitrix24.access-token", installed.accessToken());
            settings.put("bitrix24.refresh-token", installed.refreshToken());
            settings.put("camel.component.bitrix24.oauth-token-url", simulator.oauthTokenUrl());
            settings.put("bitrix24.token-file", dir.resolve("tokens.json").toString());
            settings.put("camel.beans.fireTokens", "#class:" + RecordingTokenStore.class.getName());
            settings.put("camel.component.bitrix24.token-store", "#fireTokens");
            settings.put("camel.component.bitrix24.max-attempts", "6");
            settings.put("camel.component.bitrix24.initial-backoff", "10");
            settings.put("camel.component.bitrix24.response-timeout", "500");
            settings.put("camel.management.enabled", "true");
            settings.put("camel.management.host", "127.0.0.1");
            settings.put("camel.management.port", String.valueOf(managementPort));

            StringBuilder failures = new StringBuilder();
            String metrics;
            String health;
            int savedBefore = RecordingTokenStore.saved().size();
            try (CapturedOutput output = new CapturedOutput(Map.of("dev.camelbitrix24", Level.DEBUG),
                    List.of("dev.camelbitrix24.simulator", "io.vertx", "io.netty"))) {
                try (Pipeline pipeline = Pipeline.start(settings)) {
                    FailureRecorder recorder = new FailureRecorder(failures);
                    org.apache.camel.support.service.ServiceHelper.startService(recorder);
                    pipeline.camelContext().getManagementStrategy().addEventNotifier(recorder);
                    int requests = feedMix(env, t, control);
                    env.awaitOutcomes(t, requests / 2, Duration.ofSeconds(60));
                    control.expireAccessTokens();
                    // a second wave after the expiry, so calls meet expired_token and the token endpoint rotates the pair
                    int more = feedMix(env, t, control);
                    env.awaitOutcomes(t, requests + more, Duration.ofSeconds(90));
                    metrics = get("http://127.0.0.1:" + managementPort + "/observe/metrics");
                    health = getAnyStatus("http://127.0.0.1:" + managementPort + "/observe/health");
                }
                List<Bitrix24TokenPair> rotated = RecordingTokenStore.saved().subList(savedBefore, RecordingTokenStore.saved().size());
                assertThat(rotated).as("the tokens were refreshed mid-run").isNotEmpty();
                assertThat(control.tokenRefreshCount()).isPositive();
                List<String> secrets = new ArrayList<>(List.of(CLIENT_SECRET, installed.accessToken(), installed.refreshToken()));
                rotated.forEach(p -> {
                    secrets.add(p.getAccessToken());
                    secrets.add(p.getRefreshToken());
                });
                assertThat(failures).as("failures were recorded").isNotEmpty();
                assertThat(outcomeTypes(env, t)).contains("DELETED", "ACCESS_DENIED", "INVALID_REQUEST");

                assertNoSecret("the log output and System.out/err", output.text(), secrets);
                assertNoSecret("the failures' exception messages and stack traces", failures.toString(), secrets);
                assertNoSecret("/observe/metrics", metrics, secrets);
                assertNoSecret("/observe/health", health, secrets);
                assertNoSecret("the records on every topic", allRecords(env, t), secrets);
            }
        }
    }

    /** Sends a mix that meets every kind of answer, with faults armed for some of it; returns how many requests. */
    private static int feedMix(PipelineTestEnvironment env, PipelineTopics t, SimulatorControl control) {
        long denied = control.addActivity(ActivitySpec.plain().deletableOnlyBy(2));
        control.injectFault(FaultSpec.badGatewayHtml().times(2));
        control.injectFault(FaultSpec.resetMidReply().times(1));
        control.injectFault(FaultSpec.replyLost().times(1));
        control.injectFault(FaultSpec.internalServerError().times(1));
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            values.add("{\"id\":" + NEXT_ID.getAndIncrement() + "}");
        }
        values.add("{\"id\":990001,\"requestId\":\"gone\"}");
        values.add("{\"id\":" + denied + ",\"requestId\":\"denied\"}");
        values.add("{\"id\":\"5&auth=x\"}");
        values.add("not json at all");
        for (int i = 0; i < values.size(); i++) {
            env.kafka.send(t.requests(), null, "k-" + i, utf8(values.get(i)), Map.of("trace", "t-" + i));
        }
        return values.size();
    }

    private static List<String> outcomeTypes(PipelineTestEnvironment env, PipelineTopics t) {
        return env.outcomes(t).stream().map(o -> o.header(OutcomeHeaders.OUTCOME)).distinct().toList();
    }

    /** Every record on the six topics as text: key, value, and each header's name and value. */
    private static String allRecords(PipelineTestEnvironment env, PipelineTopics t) {
        StringBuilder all = new StringBuilder();
        for (String topic : t.all()) {
            for (ConsumerRecord<byte[], byte[]> r : env.kafka.readAll(topic)) {
                all.append(topic).append(' ').append(text(r.key())).append(' ').append(text(r.value())).append('\n');
                for (Header h : r.headers()) {
                    all.append("  ").append(h.key()).append('=').append(text(h.value())).append('\n');
                }
            }
        }
        assertThat(all).as("records were read").isNotEmpty();
        return all.toString();
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }

    private static void assertNoSecret(String where, String text, List<String> secrets) {
        assertThat(text).as("%s (must not be empty, or the search proves nothing)", where).isNotBlank();
        for (String secret : secrets) {
            assertThat(text).as("%s holds no secret", where).doesNotContain(secret);
            assertThat(text).as("%s holds no URL-encoded secret", where)
                    .doesNotContain(java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8));
        }
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).as(url).isEqualTo(200);
        return reply.body();
    }

    /** The body whatever the status: health answers 503 while a check is DOWN, and its body is searched all the same. */
    private static String getAnyStatus(String url) throws Exception {
        HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).as(url).isIn(200, 503);
        return reply.body();
    }

    /** Collects the message and stack trace of every failure a request met (handled ones included). */
    static final class FailureRecorder extends EventNotifierSupport {
        private final StringBuilder failures;

        FailureRecorder(StringBuilder failures) {
            this.failures = failures;
        }

        @Override
        public void notify(CamelEvent event) {
            if (event instanceof CamelEvent.ExchangeCompletedEvent e) {
                Throwable failure = e.getExchange().getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
                if (failure == null) {
                    failure = e.getExchange().getException();
                }
                if (failure != null) {
                    StringWriter trace = new StringWriter();
                    failure.printStackTrace(new PrintWriter(trace));
                    synchronized (failures) {
                        failures.append(failure).append('\n').append(trace).append('\n');
                    }
                }
            }
        }
    }
}
