package dev.camelbitrix24.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

import org.apache.camel.CamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The six topic names of the pipeline, and creating the missing ones: the outcome topics accept records a little
 * larger than the request topic, because an outcome is the request's original bytes plus headers.
 */
public record PipelineTopics(String requests, String succeeded, String notFound, String rejected, String invalid,
                             String deadLetter) {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineTopics.class);
    /** Room for the largest request the broker takes by default (1 MiB) plus the outcome headers. */
    public static final int OUTCOME_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

    /** The topic names as configured ({@code bitrix24.topic.*}). */
    public static PipelineTopics from(PipelineSettings settings) {
        return from(settings::get);
    }

    /** The topic names as the running pipeline's Camel context resolves them. */
    public static PipelineTopics from(CamelContext camelContext) {
        return from(key -> camelContext.resolvePropertyPlaceholders("{{" + key + "}}"));
    }

    private static PipelineTopics from(UnaryOperator<String> setting) {
        return new PipelineTopics(setting.apply("bitrix24.topic.requests"), setting.apply("bitrix24.topic.succeeded"),
                setting.apply("bitrix24.topic.not-found"), setting.apply("bitrix24.topic.rejected"),
                setting.apply("bitrix24.topic.invalid"), setting.apply("bitrix24.topic.dead-letter"));
    }

    public List<String> outcomeTopics() {
        return List.of(succeeded, notFound, rejected, invalid, deadLetter);
    }

    public List<String> all() {
        List<String> all = new ArrayList<>();
        all.add(requests);
        all.addAll(outcomeTopics());
        return all;
    }

    /**
     * Creates the topics that do not exist yet, with the given partitions and the broker's default replication
     * factor; existing topics are left as they are. Returns the names it created.
     */
    public List<String> createMissing(Admin admin, int partitions) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : all()) {
                if (!existing.contains(topic)) {
                    NewTopic newTopic = new NewTopic(topic, Optional.of(partitions), Optional.empty());
                    if (!topic.equals(requests)) {
                        newTopic.configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(OUTCOME_MAX_MESSAGE_BYTES)));
                    }
                    missing.add(newTopic);
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
            List<String> created = missing.stream().map(NewTopic::name).toList();
            if (!created.isEmpty()) {
                LOG.info("Created topics {} with {} partition(s) each", created, partitions);
            }
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create the pipeline's topics: " + e.getMessage(), e);
        }
    }
}
