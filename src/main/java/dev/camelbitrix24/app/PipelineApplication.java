package dev.camelbitrix24.app;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line of the pipeline. {@code run} (the default) starts the routes, and before them an embedded Kafka
 * broker when {@code KAFKA_BOOTSTRAP_SERVERS} is unset and the embedded Bitrix24 simulator when no portal is
 * configured; {@code demo} does the same and feeds a mix of requests; {@code replay} moves error records back onto the
 * request topic. Ctrl-C stops the routes first, then the simulator, then the broker.
 */
public final class PipelineApplication {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineApplication.class);

    private PipelineApplication() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "run" : args[0];
        String[] rest = args.length == 0 ? new String[0] : Arrays.copyOfRange(args, 1, args.length);
        PipelineSettings settings = PipelineSettings.load();
        switch (command) {
            case "run" -> run(settings, settings.getBoolean("bitrix24.demo") || demoSwitch(System.getProperty("demo")));
            case "demo" -> run(settings, true);
            case "replay" -> System.exit(replay(settings, rest) ? 0 : 1);
            default -> {
                System.err.println("""
                        usage: PipelineApplication [run | demo | replay [--from TOPIC] [--to TOPIC] [--max-rounds N]]
                          run      start the pipeline (the default); -Ddemo or BITRIX24_DEMO=true feeds a demo mix
                          demo     start the pipeline and feed a demo mix of requests
                          replay   move the records on the dead-letter topic (or --from another error topic)
                                   back onto the request topic, then stop""");
                System.exit(2);
            }
        }
    }

    /** {@code -Ddemo} alone switches the demo on, as does {@code -Ddemo=true}; {@code -Ddemo=false} does not. */
    static boolean demoSwitch(String value) {
        return value != null && !value.trim().equalsIgnoreCase("false");
    }

    /** Starts everything, prints where it is, and keeps running until the JVM is asked to stop. */
    static void run(PipelineSettings settings, boolean demo) throws InterruptedException {
        Deque<AutoCloseable> stopOrder = new ConcurrentLinkedDeque<>();
        CountDownLatch stopped = new CountDownLatch(1);
        // registered first, so that Ctrl-C during the start also stops whatever did start
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeAll(stopOrder);
            stopped.countDown();
        }, "pipeline-shutdown"));
        try {
            start(settings, demo, stopOrder);
        } catch (RuntimeException e) {
            // whatever did start must not keep the JVM alive
            closeAll(stopOrder);
            throw e;
        }
        stopped.await();
    }

    /**
     * Starts the embedded parts that are needed, creates the topics, starts the routes and prints the banner; runs
     * the demo when asked and returns its counts per topic (empty without demo). Each started part is pushed on
     * {@code stopOrder}, so that popping it stops the routes first, then the simulator, then the broker.
     */
    static Map<String, Integer> start(PipelineSettings settings, boolean demo, Deque<AutoCloseable> stopOrder) {
        Map<String, String> overrides = new HashMap<>();
        String bootstrap = settings.get("bitrix24.kafka.bootstrap-servers");
        String kafkaWhere;
        if (bootstrap.isBlank()) {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                    .host(settings.get("bitrix24.kafka.embedded.host"))
                    .port(settings.getInt("bitrix24.kafka.embedded.port"))
                    .controllerPort(settings.getInt("bitrix24.kafka.embedded.controller-port"))
                    .dataDir(Path.of(settings.get("bitrix24.kafka.embedded.data-dir")))
                    .defaultPartitions(settings.getInt("bitrix24.topics.partitions"))
                    .start();
            stopOrder.push(broker);
            bootstrap = broker.bootstrapServers();
            overrides.put("bitrix24.kafka.bootstrap-servers", bootstrap);
            kafkaWhere = bootstrap + " (embedded broker, data in " + broker.dataDir().toAbsolutePath() + ")";
        } else {
            kafkaWhere = bootstrap;
        }

        EmbeddedSimulator portal = EmbeddedSimulator.startUnlessConfigured(settings);
        String bitrixWhere;
        if (portal != null) {
            stopOrder.push(portal);
            overrides.put("bitrix24.webhook-url", portal.webhookUrl());
            bitrixWhere = portal.description();
        } else if (settings.isSet("bitrix24.webhook-url")) {
            bitrixWhere = hostOf(settings.get("bitrix24.webhook-url")) + " (incoming webhook; its code is not printed)";
        } else {
            bitrixWhere = hostOf(settings.get("bitrix24.portal-url")) + " (OAuth application)";
        }

        PipelineSettings effective = settings.with(overrides);
        PipelineTopics topics = PipelineTopics.from(effective);
        KafkaClientSettings kafka = KafkaClientSettings.from(effective);
        if (effective.getBoolean("bitrix24.topics.create")) {
            try (Admin admin = Admin.create(kafka.admin())) {
                topics.createMissing(admin, effective.getInt("bitrix24.topics.partitions"));
            } catch (IllegalStateException e) {
                if (stopOrder.stream().anyMatch(EmbeddedKafkaBroker.class::isInstance)) {
                    throw e;
                }
                // a shared cluster may not let this user create topics; they may well exist already
                LOG.warn("{}; going on: the topics must exist", e.getMessage());
            }
        }

        stopOrder.push(Pipeline.start(effective.overrides()));
        printBanner(effective, topics, bootstrap, kafkaWhere + " (" + kafka.describe() + ")", bitrixWhere);

        if (!demo) {
            return Map.of();
        }
        if (portal == null) {
            LOG.warn("The demo runs only against the embedded simulator: it would delete activities of a real portal");
            return Map.of();
        }
        return new PipelineDemo(kafka, topics, portal.control(), effective.getInt("camel.component.bitrix24.max-attempts"))
                .run(Duration.ofSeconds(effective.getInt("bitrix24.demo.wait-seconds")));
    }

    /** Replays an error topic onto the request topic and says what it did; true when it worked. */
    static boolean replay(PipelineSettings settings, String[] args) {
        try {
            DeadLetterReplay.Result result = ReplayCommand.run(settings, args);
            System.out.printf("Replayed %d record(s) from %s to %s; %d record(s) had reached the round limit and stay on %s%n",
                    result.replayed(), result.from(), result.to(), result.exhausted(), result.from());
            return true;
        } catch (RuntimeException e) {
            System.err.println("Replay failed: " + e.getMessage());
            return false;
        }
    }

    private static void printBanner(PipelineSettings settings, PipelineTopics topics, String bootstrap, String kafkaWhere,
                                    String bitrixWhere) {
        String management = settings.getBoolean("camel.management.enabled")
                ? "http://127.0.0.1:" + settings.get("camel.management.port") + "/observe/health and /observe/metrics"
                : "off";
        System.out.println(String.join(System.lineSeparator(), List.of(
                "",
                "Bitrix24 deletion pipeline is running (Ctrl-C stops it).",
                "  Kafka      " + kafkaWhere,
                "  Bitrix24   " + bitrixWhere,
                "  Requests   " + topics.requests(),
                "  Outcomes   " + String.join(", ", topics.outcomeTopics()),
                "  Health     " + management,
                "  Send one   echo '{\"id\":42,\"requestId\":\"try-1\"}' | kcat -b " + bootstrap + " -t " + topics.requests() + " -P",
                "  Watch      kcat -b " + bootstrap + " -t " + topics.succeeded() + " -C -o beginning -f '%h %s\\n'",
                "  Replay     mvn -q compile exec:java -Dexec.args=replay",
                "")));
    }

    private static String hostOf(String url) {
        try {
            URI uri = URI.create(url.trim());
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "(a URL that does not parse)";
        }
    }

    static void closeAll(Deque<AutoCloseable> stopOrder) {
        while (!stopOrder.isEmpty()) {
            AutoCloseable next = stopOrder.pop();
            try {
                next.close();
            } catch (Exception e) {
                LOG.warn("Stopping {} failed: {}", next.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
