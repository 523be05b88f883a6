package dev.camelbitrix24.component.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on 127.0.0.1 and an ephemeral port that answers from a script, for the component's behaviour
 * on the wire (lost replies, resets, redirects, token refresh) where the exact sequence of answers must be pinned.
 * Every request is recorded.
 */
public final class ScriptedPortal implements AutoCloseable {

    /** One request as received. */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, String body,
                          long receivedNanos, long receivedEpochMillis) {
    }

    /** What the portal does with one request. */
    public interface Action {
        void perform(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Action> script = new ConcurrentLinkedQueue<>();
    private volatile Function<Request, Action> fallback = request -> reply(500, "{\"error\":\"UNSCRIPTED\"}");

    public ScriptedPortal() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), System.nanoTime(),
                    System.currentTimeMillis());
            requests.add(request);
            Action next = script.poll();
            try {
                (next != null ? next : fallback.apply(request)).perform(exchange);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues the answers to the next requests, in order. */
    public ScriptedPortal then(Action... actions) {
        script.addAll(List.of(actions));
        return this;
    }

    /** The answer once the script is used up. */
    public ScriptedPortal otherwise(Function<Request, Action> fallback) {
        this.fallback = fallback;
        return this;
    }

    public List<Request> requests() {
        return requests;
    }

    public static Action reply(int status, String json, String... headerNamesAndValues) {
        return exchange -> {
            for (int i = 0; i + 1 < headerNamesAndValues.length; i += 2) {
                exchange.getResponseHeaders().add(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
            }
            if (exchange.getResponseHeaders().getFirst("Content-Type") == null) {
                exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            }
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        };
    }

    /** The request was received, but the reply never comes before the client gives up. */
    public static Action stall(long millis) {
        return exchange -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** The request was received and the connection closed without any reply. */
    public static Action drop() {
        return exchange -> {
        };
    }

    /** Promises a longer body than it sends, then closes: a reply cut short on the wire. */
    public static Action truncated(int status, String jsonStart) {
        return exchange -> {
            byte[] bytes = jsonStart.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length + 100);
            exchange.getResponseBody().write(bytes);
            exchange.getResponseBody().flush();
            // closing the exchange now leaves the promised length unmet
        };
    }

    public static Action success() {
        return reply(200, "{\"result\":true,\"time\":{\"start\":1,\"finish\":1.2,\"duration\":0.25,\"processing\":0.01,"
                          + "\"date_start\":\"2026-11-28T10:00:00+00:00\",\"date_finish\":\"2026-11-28T10:00:00+00:00\","
                          + "\"operating\":1.5,\"operating_reset_at\":1764324000}}");
    }

    public static Action deleteFailure(String description) {
        return reply(400, "{\"error\":\"\",\"error_description\":\"" + description + "\"}");
    }

    public static Action systemError(int status, String code, String description) {
        return reply(status, "{\"error\":\"" + code + "\",\"error_description\":\"" + description + "\"}");
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
