package dev.camelbitrix24.app;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.component.support.CapturedOutput;
import dev.camelbitrix24.simulator.ActivitySpec;
import dev.camelbitrix24.simulator.FaultSpec;
import dev.camelbitrix24.simulator.SimulatorControl;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline as operators see it, through Camel Main's management server on 127.0.0.1: after a small mixed run
 * (a 429 and two 503s on the way, deletes, not-founds, a refusal, a malformed request) {@code /observe/metrics} has
 * the outcomes by type, the latency, the replies by status, the retries by cause, the batch sizes and the time spent
 * waiting for the request pacer; {@code /observe/health} is UP
 * with the Kafka, route and bitrix24 checks, however often asked for one {@code profile} call; the log has progress
 * lines and one line per failure, no stack trace and no webhook URL.
 */
class HealthAndMetricsEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    @Test
    void metricsHealthAndLogsAfterAMixedRun() throws Exception {
        PipelineTopics t = env.newTopics("observe", 1);
        SimulatorControl control = env.simulator.control();
        long deniedId = control.addActivity(ActivitySpec.plain().deletableOnlyBy(2));
        // the first batch call meets a 429, then two 503s, then gets through (faults apply in the order injected)
        control.injectFault(FaultSpec.status(429, "{\"error\":\"OPERATION_TIME_LIMIT\",\"error_description\":"
                                                  + "\"Method is blocked due to operation time limit.\"}").times(1).onMethod("batch"));
        control.injectFault(FaultSpec.status(503, "{\"error\":\"QUERY_LIMIT_EXCEEDED\",\"error_description\":"
                                                  + "\"Too many requests\"}").times(2).onMethod("batch"));
        for (int id = 31; id <= 34; id++) {
            env.kafka.send(t.requests(), null, "ok-" + id, utf8("{\"id\":" + id + ",\"requestId\":\"ok-" + id + "\"}"), Map.of());
        }
        env.kafka.send(t.requests(), null, "gone", utf8("{\"id\":960001,\"requestId\":\"gone\"}"), Map.of());
        env.kafka.send(t.requests(), null, "denied", utf8("{\"id\":" + deniedId + ",\"requestId\":\"denied\"}"), Map.of());
        env.kafka.send(t.requests(), null, "bad", utf8("{\"id\":-1,\"requestId\":\"bad\"}"), Map.of());

        int port = freePort();
        Map<String, String> settings = env.settings(t, "observe-group");
        settings.put("camel.management.enabled", "true");
        settings.put("camel.management.host", "127.0.0.1");
        settings.put("camel.management.port", String.valueOf(port));
        settings.put("camel.health.exposure-level", "full");
        settings.put("camel.component.bitrix24.max-attempts", "5");
        settings.put("camel.component.bitrix24.operation-time-limit-wait", "50");
        settings.put("bitrix24.progress.interval-seconds", "1");
        String base = "http://127.0.0.1:" + port + "/observe/";

        String metrics;
        String log;
        try (CapturedOutput output = new CapturedOutput(Map.of("dev.camelbitrix24", Level.INFO, "org.apache.camel", Level.INFO));
             Pipeline pipeline = Pipeline.start(settings)) {
            env.awaitOutcomes(t, 7, Duration.ofSeconds(60));
            // the outcomes are on Kafka; give the meters of the last one the moment it takes to be counted
            await().atMost(Duration.ofSeconds(10)).until(() -> value(get(base + "metrics"), "bitrix24_outcomes_total", "outcome", "DELETED") == 4);
            metrics = get(base + "metrics");

            for (int i = 0; i < 5; i++) {
                JsonNode health = JSON.readTree(get(base + "health"));
                assertThat(health.path("status").asText()).as(health.toString()).isEqualTo("UP");
                List<String> checks = health.path("checks").findValuesAsText("name");
                assertThat(checks).as(health.toString()).contains("context")
                        .anyMatch(name -> name.startsWith("producer:bitrix24-127.0.0.1-"))
                        .anyMatch(name -> name.startsWith("consumer:bitrix24-delete-requests"))
                        .anyMatch(name -> name.startsWith("route:bitrix24-delete-requests"));
            }
            assertThat(control.callCount("profile")).as("one profile call for five probes").isEqualTo(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> output.logged().contains("Processed "));
            log = output.logged();
        }

        assertThat(value(metrics, "bitrix24_outcomes_total", "outcome", "DELETED")).isEqualTo(4);
        assertThat(value(metrics, "bitrix24_outcomes_total", "outcome", "NOT_FOUND")).isEqualTo(1);
        assertThat(value(metrics, "bitrix24_outcomes_total", "outcome", "ACCESS_DENIED")).isEqualTo(1);
        assertThat(value(metrics, "bitrix24_outcomes_total", "outcome", "INVALID_REQUEST")).isEqualTo(1);
        assertThat(value(metrics, "bitrix24_outcomes_total", "outcome", "SERVER_ERROR")).isZero();
        assertThat(value(metrics, "bitrix24_outcome_latency_seconds_count", "outcome", "DELETED")).isEqualTo(4);
        assertThat(value(metrics, "bitrix24_outcome_latency_seconds_sum", "outcome", "DELETED")).isPositive();
        assertThat(value(metrics, "bitrix24_http_replies_total", "status", "429")).isEqualTo(1);
        assertThat(value(metrics, "bitrix24_http_replies_total", "status", "503")).isEqualTo(2);
        // how the six deletes share batch calls depends on timing; every fault hits one whole batch call, so each of
        // its deletes is retried, and every batch call went through the pacer. Scraped before any health probe.
        double batches = value(metrics, "bitrix24_batch_size_count", null, null);
        assertThat(batches).isGreaterThanOrEqualTo(4); // the 429, two 503s and at least one that got through
        assertThat(value(metrics, "bitrix24_batch_size_sum", null, null)).isGreaterThanOrEqualTo(6 + 3);
        assertThat(value(metrics, "bitrix24_batch_size_max", null, null)).isBetween(1.0, 6.0);
        assertThat(value(metrics, "bitrix24_http_replies_total", "status", "200")).isEqualTo(batches - 3);
        assertThat(value(metrics, "bitrix24_retries_total", "cause", "OPERATION_TIME_LIMIT")).isGreaterThanOrEqualTo(1);
        assertThat(value(metrics, "bitrix24_retries_total", "cause", "RATE_LIMITED")).isGreaterThanOrEqualTo(2);
        assertThat(value(metrics, "bitrix24_retries_total", "cause", "SERVER_ERROR")).isZero();
        assertThat(value(metrics, "bitrix24_batch_size_sum", null, null) - 6)
                .as("deletes sent again = retries")
                .isEqualTo(value(metrics, "bitrix24_retries_total", "cause", "OPERATION_TIME_LIMIT")
                           + value(metrics, "bitrix24_retries_total", "cause", "RATE_LIMITED"));
        assertThat(value(metrics, "bitrix24_ratelimiter_wait_seconds_count", null, null)).isEqualTo(batches);
        // a 503 fills the pacer's bucket: the call after it waited for a slot
        assertThat(value(metrics, "bitrix24_ratelimiter_wait_seconds_sum", null, null)).isPositive();
        // the waits: no pause here (the one 429 is retried within the budget), but the series are there from the start;
        // the operating time the simulator reported is followed, the limit not learned without a window spent
        for (String reason : List.of("OPERATING_TIME_LIMIT", "REQUEST_RATE_LIMIT", "PORTAL_UNREACHABLE")) {
            assertThat(metrics).containsPattern("(?m)^bitrix24_paused_seconds_total\\{[^}]*reason=\"" + reason + "\"");
            assertThat(value(metrics, "bitrix24_paused_seconds_total", "reason", reason)).isZero();
        }
        assertThat(metrics).containsPattern("(?m)^bitrix24_operating_time_used_seconds(\\{[^}]*})? \\d")
                .containsPattern("(?m)^bitrix24_operating_time_limit_seconds(\\{[^}]*})? NaN");
        // one instance owns every partition: the whole plan
        assertThat(metrics).containsPattern("(?m)^bitrix24_plan_share(\\{[^}]*})? 1\\.0$");
        assertThat(metrics).contains("camel_routes_running_routes").doesNotContain("/rest/1/")
                .doesNotContain(env.simulator.webhookUrl());

        // the run may span several progress lines: together they count every outcome once
        assertThat(lines(log, "Processed ")).last().asString().endsWith("; 7 since start");
        assertThat(progressCount(log, "DELETED")).isEqualTo(4);
        assertThat(progressCount(log, "NOT_FOUND")).isEqualTo(1);
        assertThat(progressCount(log, "ACCESS_DENIED")).isEqualTo(1);
        assertThat(progressCount(log, "INVALID_REQUEST")).isEqualTo(1);
        assertThat(lines(log, "Request \"gone\" ")).hasSize(1).allMatch(l -> l.contains("NOT_FOUND"));
        assertThat(lines(log, "Request \"denied\" ")).hasSize(1).allMatch(l -> l.contains("ACCESS_DENIED"));
        assertThat(lines(log, "Request \"bad\" ")).hasSize(1).allMatch(l -> l.contains("INVALID_REQUEST"));
        assertThat(log).doesNotContain("\tat ").doesNotContain("Exception:").doesNotContain("/rest/1/");
    }

    /** The sum of {@code outcome=n} over the progress lines. */
    private static long progressCount(String log, String outcome) {
        Pattern count = Pattern.compile("\\b" + outcome + "=(\\d+)");
        return lines(log, "Processed ").stream().map(count::matcher).filter(Matcher::find)
                .mapToLong(m -> Long.parseLong(m.group(1))).sum();
    }

    private static List<String> lines(String log, String containing) {
        return log.lines().filter(l -> l.contains(containing)).toList();
    }

    /** The value of the Prometheus series {@code name{...tag="value"...}} (any tags when tag is null); 0 when missing. */
    private static double value(String metrics, String name, String tag, String tagValue) {
        String tags = tag == null ? "(\\{[^}]*})?" : "\\{[^}]*" + tag + "=\"" + Pattern.quote(tagValue) + "\"[^}]*}";
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + tags + " (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(m.groupCount())) : 0;
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
