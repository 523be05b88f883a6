package dev.camelbitrix24.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one process) built from Kafka's own server classes,
 * for the zero-setup run and the tests. Its data survives a restart when it is given the same data folder.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Map<String, Object> clientSettings;
    private final Path dataDir;
    private final boolean deleteDataOnClose;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Map<String, Object> clientSettings, Path dataDir,
                                boolean deleteDataOnClose) {
        this.server = server;
        this.bootstrapServers = (String) clientSettings.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        this.clientSettings = Map.copyOf(clientSettings);
        this.dataDir = dataDir;
        this.deleteDataOnClose = deleteDataOnClose;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The {@code host:port} that clients use as {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * What a client needs to connect: the bootstrap servers and, with {@link Builder#saslPlain}, the security protocol,
     * mechanism and JAAS configuration (which holds the password).
     */
    public Map<String, Object> clientSettings() {
        return clientSettings;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteDataOnClose) {
            deleteRecursively(dataDir);
        }
        LOG.info("Embedded Kafka broker on {} stopped", bootstrapServers);
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the broker", e);
        }
    }

    /** Picks a port that is free right now on the given host (a port of 0 given to the builder means this). */
    static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Settings of the broker; ports of 0 mean "any free port". */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private int controllerPort;
        private Path dataDir;
        private boolean deleteDataOnClose;
        private int defaultPartitions = 1;
        private Duration startTimeout = Duration.ofSeconds(60);
        private boolean acls;
        private String saslUser;
        private String saslPassword;
        private boolean autoCreateTopics = true;

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder controllerPort(int controllerPort) {
            this.controllerPort = controllerPort;
            return this;
        }

        /** Where the log segments and the KRaft metadata live; an existing formatted folder is resumed. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** A fresh temporary data folder, deleted on close: for tests. */
        public Builder temporaryDataDir() {
            try {
                this.dataDir = Files.createTempDirectory("embedded-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.deleteDataOnClose = true;
            return this;
        }

        /** Partitions of topics that the broker creates on first use ({@code num.partitions}). */
        public Builder defaultPartitions(int defaultPartitions) {
            this.defaultPartitions = defaultPartitions;
            return this;
        }

        /**
         * Turns on Kafka's own authorizer, allowing every action that no ACL denies: with it an ACL can refuse one
         * client (every client here is {@code User:ANONYMOUS}) the writing of one topic.
         */
        public Builder acls() {
            this.acls = true;
            return this;
        }

        /**
         * Clients connect over SASL_PLAINTEXT with the PLAIN mechanism as this one user, and there is no plaintext
         * listener (the controller's own listener stays plaintext, on its own port): a secured cluster for tests.
         */
        public Builder saslPlain(String user, String password) {
            this.saslUser = user;
            this.saslPassword = password;
            return this;
        }

        /** Whether a topic is created when a client first names it ({@code auto.create.topics.enable}, default true). */
        public Builder autoCreateTopics(boolean autoCreateTopics) {
            this.autoCreateTopics = autoCreateTopics;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** Formats the data folder when it is new, starts the broker and returns once it answers an Admin client. */
        public EmbeddedKafkaBroker start() {
            if (dataDir == null) {
                throw new IllegalStateException("dataDir is not set");
            }
            int brokerPort = port == 0 ? freePort(host) : port;
            int quorumPort = controllerPort == 0 ? freePort(host) : controllerPort;
            try {
                Files.createDirectories(dataDir);
                Path configFile = dataDir.resolveSibling(dataDir.getFileName() + ".server.properties");
                Properties props = serverProperties(brokerPort, quorumPort);
                try (var out = Files.newOutputStream(configFile)) {
                    props.store(out, "embedded single-node KRaft broker");
                }
                // a formatted folder keeps its cluster id: formatting it again (even with --ignore-formatted) refuses it
                if (!Files.exists(dataDir.resolve("meta.properties"))) {
                    format(configFile);
                }
                Files.deleteIfExists(configFile);

                KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
                server.startup();
                String bootstrap = host + ":" + brokerPort;
                EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, clientSettings(bootstrap), dataDir,
                        deleteDataOnClose);
                try {
                    awaitReady(broker.clientSettings());
                } catch (RuntimeException e) {
                    broker.close();
                    throw e;
                }
                LOG.info("Embedded Kafka broker ready on {} (data in {})", bootstrap, dataDir.toAbsolutePath());
                return broker;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Map<String, Object> clientSettings(String bootstrap) {
            if (saslUser == null) {
                return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            }
            return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                    SaslConfigs.SASL_MECHANISM, "PLAIN",
                    SaslConfigs.SASL_JAAS_CONFIG, PlainLoginModule.class.getName() + " required username=\""
                            + saslUser + "\" password=\"" + saslPassword + "\";");
        }

        private Properties serverProperties(int brokerPort, int quorumPort) {
            String listener = saslUser == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("controller.quorum.voters", "1@" + host + ":" + quorumPort);
            p.put("listeners", listener + "://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + quorumPort);
            p.put("advertised.listeners", listener + "://" + host + ":" + brokerPort);
            p.put("listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", listener);
            if (saslUser != null) {
                p.put("sasl.enabled.mechanisms", "PLAIN");
                p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
                p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", PlainLoginModule.class.getName()
                        + " required username=\"" + saslUser + "\" password=\"" + saslPassword + "\" user_" + saslUser
                        + "=\"" + saslPassword + "\";");
            }
            p.put("auto.create.topics.enable", String.valueOf(autoCreateTopics));
            p.put("log.dirs", dataDir.toAbsolutePath().toString());
            p.put("num.partitions", String.valueOf(defaultPartitions));
            // one node: every internal topic must be satisfied by a single replica, or consumer groups hang
            p.put("offsets.topic.replication.factor", "1");
            p.put("offsets.topic.num.partitions", "1");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("min.insync.replicas", "1");
            // consumers join at once instead of waiting 3 s for more members
            p.put("group.initial.rebalance.delay.ms", "0");
            if (acls) {
                p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
                p.put("allow.everyone.if.no.acl.found", "true");
            }
            return p;
        }

        private void format(Path configFile) {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int rc;
            try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                rc = StorageTool.execute(new String[] {
                    "format", "--cluster-id", Uuid.randomUuid().toString(),
                    "--config", configFile.toAbsolutePath().toString() }, printStream);
            }
            if (rc != 0) {
                throw new IllegalStateException("Formatting " + dataDir + " failed: " + output.toString(StandardCharsets.UTF_8));
            }
        }

        private void awaitReady(Map<String, Object> clientSettings) {
            long deadline = System.nanoTime() + startTimeout.toNanos();
            String bootstrap = (String) clientSettings.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
            Map<String, Object> config = new HashMap<>(clientSettings);
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) startTimeout.toMillis());
            try (Admin admin = Admin.create(config)) {
                Exception last = null;
                while (System.nanoTime() < deadline) {
                    try {
                        if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                            return;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("Interrupted while waiting for the broker", e);
                    } catch (Exception e) {
                        last = e;
                    }
                    sleep(100);
                }
                throw new IllegalStateException("Kafka broker on " + bootstrap + " did not answer within " + startTimeout, last);
            }
        }
    }
}
