package dev.camelbitrix24.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A simulated Bitrix24 portal over real HTTP (and HTTPS with a self-signed certificate) on 127.0.0.1: REST methods
 * {@code crm.activity.delete/add/get/list}, {@code profile}, {@code user.current}, {@code batch}, webhooks and
 * OAuth, request-rate and operating-time limits, faults on demand, and a control API under {@code /_simulator/}.
 * Start it with {@link #builder()}; close it when done.
 */
public final class Bitrix24Simulator implements AutoCloseable {

    private final Vertx vertx;
    private final SimulatorHttpServer server;
    private final SelfSignedKeyStore keyStore;
    private final SimulatorControl control;
    private final String webhookCode;
    private final int httpPort;
    private final int httpsPort;

    private Bitrix24Simulator(Vertx vertx, SimulatorHttpServer server, SelfSignedKeyStore keyStore,
            SimulatorControl control, String webhookCode, int httpPort, int httpsPort) {
        this.vertx = vertx;
        this.server = server;
        this.keyStore = keyStore;
        this.control = control;
        this.webhookCode = webhookCode;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int httpPort() {
        return httpPort;
    }

    /** The HTTPS port, or -1 when HTTPS is off. */
    public int httpsPort() {
        return httpsPort;
    }

    /** {@code http://127.0.0.1:<port>} */
    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** {@code https://127.0.0.1:<port>}, or null when HTTPS is off. */
    public String httpsBaseUrl() {
        return httpsPort < 0 ? null : "https://127.0.0.1:" + httpsPort;
    }

    /** The incoming webhook of user 1: {@code http://127.0.0.1:<port>/rest/1/<code>/}. */
    public String webhookUrl() {
        return baseUrl() + "/rest/1/" + webhookCode + "/";
    }

    /** Stands in for {@code https://oauth.bitrix.info/oauth/token/}. */
    public String oauthTokenUrl() {
        return baseUrl() + "/oauth/token/";
    }

    public SimulatorControl control() {
        return control;
    }

    /** An SSLContext that trusts this simulator's self-signed certificate, or null when HTTPS is off. */
    public SSLContext clientSslContext() {
        return keyStore == null ? null : keyStore.trustingContext();
    }

    @Override
    public void close() {
        server.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception ignored) {
            // nothing more can be done about a Vert.x instance that does not stop
        }
        if (keyStore != null) {
            keyStore.close();
        }
    }

    @Override
    public String toString() {
        // the webhook code is a secret: not printed
        return "Bitrix24Simulator[" + baseUrl() + (httpsPort >= 0 ? ", " + httpsBaseUrl() : "") + "]";
    }

    /** Configures and starts a simulator; defaults are those of CONTRACT.md. */
    public static final class Builder {
        private int httpPort = 8089;
        private int httpsPort = 8443;
        private String webhookCode = "simulator";
        private long seed = 1000;
        private RatePlan ratePlan = RatePlan.STANDARD;
        private long randomSeed = 42L;
        private OperatingTimeLimit operatingTimeLimit = OperatingTimeLimit.DEFAULT;
        private ReplyLatency replyLatency = ReplyLatency.NONE;
        private Duration accessTokenLifetime = Duration.ofHours(1);

        private Builder() {
        }

        /** HTTP port on 127.0.0.1; 0 picks a free one. Default 8089. */
        public Builder httpPort(int port) {
            this.httpPort = checkPort(port, false);
            return this;
        }

        /** HTTPS port on 127.0.0.1; 0 picks a free one, -1 turns HTTPS off. Default 8443. */
        public Builder httpsPort(int port) {
            this.httpsPort = checkPort(port, true);
            return this;
        }

        /** The secret code of user 1's incoming webhook (scopes crm and user). Default {@code simulator}. */
        public Builder webhookCode(String code) {
            if (code == null || code.isEmpty() || code.contains("/")) {
                throw new IllegalArgumentException("the webhook code must be non-empty and contain no '/'");
            }
            this.webhookCode = code;
            return this;
        }

        /** Activities 1..seed exist at start (and after a reset). Default 1000. */
        public Builder seed(long seed) {
            if (seed < 0 || seed > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("seed out of range: " + seed);
            }
            this.seed = seed;
            return this;
        }

        /** The request-rate limit. Default {@link RatePlan#STANDARD}. */
        public Builder ratePlan(RatePlan plan) {
            this.ratePlan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        /** Seeds the randoms of fraction-based faults, simulated processing times and reply latencies. Default 42. */
        public Builder randomSeed(long randomSeed) {
            this.randomSeed = randomSeed;
            return this;
        }

        /** The operating-time limit, its bucket length and simulated {@link ProcessingTime}. Default {@link OperatingTimeLimit#DEFAULT}. */
        public Builder operatingTimeLimit(OperatingTimeLimit limit) {
            this.operatingTimeLimit = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /** Every REST reply is held back by a latency drawn uniformly from [min, max] after the call ran. Default none. */
        public Builder replyLatency(Duration min, Duration max) {
            this.replyLatency = new ReplyLatency(min, max);
            return this;
        }

        /** How long an OAuth access token lives. Default one hour, as on Bitrix24. */
        public Builder accessTokenLifetime(Duration lifetime) {
            if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
                throw new IllegalArgumentException("the access token lifetime must be positive");
            }
            this.accessTokenLifetime = lifetime;
            return this;
        }

        /** Starts the servers; throws if a port is taken. */
        public Bitrix24Simulator start() {
            SimulatorSettings settings = new SimulatorSettings(httpPort, httpsPort, webhookCode, (int) seed, ratePlan,
                    randomSeed, operatingTimeLimit, replyLatency, accessTokenLifetime);
            Portal portal = new Portal(settings);
            SimulatorControl control = new SimulatorControl(portal);
            int loops = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
            // no file cache: Vert.x would otherwise create a .vertx folder in the working directory
            Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(1)
                    .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                            .setClassPathResolvingEnabled(false)));
            SimulatorHttpServer server = new SimulatorHttpServer(vertx, portal, control);
            SelfSignedKeyStore keyStore = null;
            try {
                int actualHttp = server.listenHttp(httpPort, loops);
                int actualHttps = -1;
                if (httpsPort >= 0) {
                    keyStore = SelfSignedKeyStore.create();
                    actualHttps = server.listenHttps(httpsPort, keyStore);
                }
                return new Bitrix24Simulator(vertx, server, keyStore, control, webhookCode, actualHttp, actualHttps);
            } catch (Exception e) {
                server.close();
                vertx.close();
                if (keyStore != null) {
                    keyStore.close();
                }
                throw new IllegalStateException("the Bitrix24 simulator could not start: " + e.getMessage(), e);
            }
        }

        private static int checkPort(int port, boolean mayBeOff) {
            if (port > 65535 || port < (mayBeOff ? -1 : 0)) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            return port;
        }
    }
}
