package dev.camelbitrix24.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PfxOptions;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Vert.x HTTP(S) front end on 127.0.0.1: routes {@code /rest/}, {@code /oauth/token/} and {@code /_simulator/},
 * reads query and body into parameters, holds replies back on Vert.x timers (reply latency) and plays transport
 * faults (delay, reset, lost reply).
 */
final class SimulatorHttpServer {

    private static final String HOST = "127.0.0.1";

    private final Vertx vertx;
    private final RestDispatcher rest;
    private final OAuthTokenEndpoint tokenEndpoint;
    private final ControlHttpApi controlApi;
    private final List<HttpServer> servers = new ArrayList<>();
    private volatile String httpBaseUrl;

    SimulatorHttpServer(Vertx vertx, Portal portal, SimulatorControl control) {
        this.vertx = vertx;
        this.rest = new RestDispatcher(portal);
        this.tokenEndpoint = new OAuthTokenEndpoint(portal.auth);
        this.controlApi = new ControlHttpApi(control);
    }

    /** Listens with {@code instances} servers sharing the port (one per event loop); returns the actual port. */
    int listenHttp(int port, int instances) throws Exception {
        if (port != 0) {
            return listenShared(port, instances);
        }
        // Vert.x shares a socket only among servers on the same fixed port, so an ephemeral port is picked first;
        // if another process takes it in between, another one is picked
        BindException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return listenShared(freePort(), instances);
            } catch (BindException e) {
                last = e;
                close();
            }
        }
        throw last;
    }

    private int listenShared(int port, int instances) throws Exception {
        int actual = listen(new HttpServerOptions(), port);
        for (int i = 1; i < instances; i++) {
            listen(new HttpServerOptions(), actual);
        }
        httpBaseUrl = "http://" + HOST + ":" + actual;
        return actual;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    int listenHttps(int port, SelfSignedKeyStore keyStore) throws Exception {
        HttpServerOptions options = new HttpServerOptions().setSsl(true)
                .setKeyCertOptions(new PfxOptions().setPath(keyStore.file().toString()).setPassword(keyStore.password()));
        return listen(options, port);
    }

    private int listen(HttpServerOptions options, int port) throws Exception {
        options.setHost(HOST).setPort(port).setTcpNoDelay(true);
        HttpServer server = vertx.createHttpServer(options).requestHandler(this::handle)
                // clients that time out or hang up (and our own reset faults) are routine here, not errors to log
                .connectionHandler(connection -> connection.exceptionHandler(ignored -> { }))
                .exceptionHandler(ignored -> { });
        HttpServer started = await(server.listen());
        servers.add(started);
        return started.actualPort();
    }

    void close() {
        for (HttpServer server : servers) {
            try {
                await(server.close());
            } catch (Exception ignored) {
                // closing Vert.x itself closes what is left
            }
        }
        servers.clear();
    }

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        } catch (TimeoutException e) {
            throw new IllegalStateException("the simulator's HTTP server did not answer in time", e);
        }
    }

    private void handle(HttpServerRequest request) {
        String contentType = request.getHeader("Content-Type");
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/form-data")) {
            request.setExpectMultipart(true);
            request.endHandler(v -> {
                List<Map.Entry<String, String>> pairs = new ArrayList<>();
                request.formAttributes().forEach(e -> pairs.add(new AbstractMap.SimpleEntry<>(e.getKey(), e.getValue())));
                dispatch(request, PhpQueryString.parsePairs(pairs), new byte[0]);
            });
            return;
        }
        request.body().onComplete(ar -> {
            if (ar.failed()) {
                request.connection().close();
                return;
            }
            byte[] body = ar.result() == null ? new byte[0] : ar.result().getBytes();
            Map<String, Object> bodyParams;
            if (type.contains("json")) {
                bodyParams = Json.readParams(body);
            } else if (type.startsWith("application/x-www-form-urlencoded")) {
                bodyParams = PhpQueryString.parse(new String(body, StandardCharsets.UTF_8));
            } else {
                // like PHP: a body of any other type is not read as parameters
                bodyParams = Map.of();
            }
            dispatch(request, bodyParams, body);
        });
    }

    private void dispatch(HttpServerRequest request, Map<String, Object> bodyParams, byte[] body) {
        Reply reply;
        try {
            reply = route(request, bodyParams, body);
        } catch (RuntimeException unexpected) {
            // never a stack trace on the wire: the real server's generic 500 envelope
            reply = Reply.json(500, ControlHttpApi.map("error", "INTERNAL_SERVER_ERROR",
                    "error_description", "Internal server error"));
        }
        if (reply.holdNanos() <= 0) {
            send(request, reply);
            return;
        }
        // the call has run: a client that hangs up while the reply is held back leaves its effect in place
        Reply held = reply;
        vertx.setTimer(TimeUnit.NANOSECONDS.toMillis(reply.holdNanos() + 999_999), id -> {
            if (!request.response().closed()) {
                send(request, held);
            }
        });
    }

    private Reply route(HttpServerRequest request, Map<String, Object> bodyParams, byte[] body) {
        String path = request.path();
        if (path.equals(ControlHttpApi.PREFIX) || path.startsWith(ControlHttpApi.PREFIX + "/")) {
            return controlApi.handle(request.method().name(), path, body);
        }
        Map<String, Object> params = PhpQueryString.parse(request.query());
        // body values override query values
        params.putAll(bodyParams);
        if (path.equals(OAuthTokenEndpoint.PATH) || path.equals(OAuthTokenEndpoint.PATH + "/")) {
            return tokenEndpoint.handle(params, request.isSSL() ? baseUrlOf(request) : httpBaseUrl);
        }
        String address = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        return rest.handle(new RestRequest(path, params, request.getHeader("Authorization"), address));
    }

    private static String baseUrlOf(HttpServerRequest request) {
        return "https://" + HOST + ":" + request.localAddress().port();
    }

    private void send(HttpServerRequest request, Reply reply) {
        FaultSpec fault = reply.transportFault();
        HttpServerResponse response = request.response();
        if (fault == null) {
            write(response, reply);
            return;
        }
        switch (fault.kind()) {
            case DELAY:
                vertx.setTimer(Math.max(1, fault.delayValue().toMillis()), id -> {
                    if (!response.ended() && !response.closed()) {
                        write(response, reply);
                    }
                });
                break;
            case REPLY_LOST:
                request.connection().close();
                break;
            case RESET_MID_REPLY:
                response.setStatusCode(reply.status());
                response.putHeader("Content-Type", reply.contentType());
                response.putHeader("Content-Length", String.valueOf(reply.body().length));
                response.write(Buffer.buffer(reply.body()).slice(0, reply.body().length / 2))
                        .onComplete(ar -> request.connection().close());
                break;
            default:
                write(response, reply);
        }
    }

    private static void write(HttpServerResponse response, Reply reply) {
        if (reply.location() != null) {
            response.putHeader("Location", reply.location());
        }
        response.setStatusCode(reply.status())
                .putHeader("Content-Type", reply.contentType())
                .end(Buffer.buffer(reply.body()));
    }

}
