package dev.camelbitrix24.app;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code replay [--from TOPIC] [--to TOPIC] [--max-rounds N]} command: {@link DeadLetterReplay} with the
 * pipeline's own settings. With no {@code KAFKA_BOOTSTRAP_SERVERS} it uses the zero-setup broker: the running
 * pipeline's, or, when that is not running, its data folder opened by an embedded broker for the time of the replay.
 */
public final class ReplayCommand {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayCommand.class);

    private ReplayCommand() {
    }

    public static DeadLetterReplay.Result run(PipelineSettings settings, String... args) {
        PipelineTopics topics = PipelineTopics.from(settings);
        String from = topics.deadLetter();
        String to = topics.requests();
        int maxRounds = settings.getInt("bitrix24.replay.max-rounds");
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--from" -> from = value;
                case "--to" -> to = value;
                case "--max-rounds" -> maxRounds = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("Unknown replay option " + args[i]
                        + " (known: --from TOPIC, --to TOPIC, --max-rounds N)");
            }
        }
        if (!topics.outcomeTopics().contains(from)) {
            LOG.warn("{} is not one of the pipeline's error topics {}; replaying it anyway", from, topics.outcomeTopics());
        }

        PipelineSettings effective = settings;
        EmbeddedKafkaBroker broker = null;
        if (settings.get("bitrix24.kafka.bootstrap-servers").isBlank()) {
            String host = settings.get("bitrix24.kafka.embedded.host");
            effective = settings.with(Map.of("bitrix24.kafka.bootstrap-servers",
                    host + ":" + settings.get("bitrix24.kafka.embedded.port")));
            if (!answers(KafkaClientSettings.from(effective))) {
                LOG.info("No broker on {}: opening {} for the replay", effective.get("bitrix24.kafka.bootstrap-servers"),
                        settings.get("bitrix24.kafka.embedded.data-dir"));
                broker = EmbeddedKafkaBroker.builder()
                        .host(host)
                        .port(settings.getInt("bitrix24.kafka.embedded.port"))
                        .controllerPort(settings.getInt("bitrix24.kafka.embedded.controller-port"))
                        .dataDir(Path.of(settings.get("bitrix24.kafka.embedded.data-dir")))
                        .start();
            }
        }
        try {
            return new DeadLetterReplay(KafkaClientSettings.from(effective), settings.get("bitrix24.replay.group-id"),
                    maxRounds).replay(from, to);
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    private static boolean answers(KafkaClientSettings kafka) {
        Map<String, Object> config = new HashMap<>(kafka.admin());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().nodes().get();
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }
}
