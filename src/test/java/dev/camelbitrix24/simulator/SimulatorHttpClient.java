package dev.camelbitrix24.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** A plain JDK HTTP client for the tests: every call goes over a real socket to the simulator. */
final class SimulatorHttpClient {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient client;

    SimulatorHttpClient() {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    SimulatorHttpClient(HttpClient client) {
        this.client = client;
    }

    /** A reply: status, content type, raw body, and the body as JSON (null when it is not JSON). */
    record Reply(int status, String contentType, String body, JsonNode json, String location) {
        String error() {
            return json == null || !json.has("error") ? null : json.get("error").asText();
        }

        String description() {
            return json == null || !json.has("error_description") ? null : json.get("error_description").asText();
        }
    }

    Reply get(String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    Reply postJson(String url, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply postForm(String url, String form) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    Reply send(String method, String url, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json == null ? "" : json)));
    }

    Reply send(HttpRequest.Builder builder) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(builder.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return reply(response);
    }

    static Reply reply(HttpResponse<String> response) {
        JsonNode json;
        try {
            json = MAPPER.readTree(response.body());
        } catch (IOException notJson) {
            json = null;
        }
        return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body(), json, response.headers().firstValue("Location").orElse(null));
    }

    HttpClient raw() {
        return client;
    }

    /** {@code a=1&b=2}, each name and value URL-encoded. */
    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The official reply bodies of ../shared/bitrix24/fixtures, copied unchanged into the test resources (see SOURCES.md there). */
    static JsonNode fixture(String name) throws IOException {
        try (java.io.InputStream in = SimulatorHttpClient.class.getResourceAsStream("/bitrix24-fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + name + " in src/test/resources/bitrix24-fixtures");
            }
            return MAPPER.readTree(in);
        }
    }
}
