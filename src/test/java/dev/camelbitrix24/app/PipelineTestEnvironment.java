package dev.camelbitrix24.app;

import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.camelbitrix24.simulator.Bitrix24Simulator;
import dev.camelbitrix24.simulator.RatePlan;
import dev.camelbitrix24.simulator.TokenPair;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.awaitility.Awaitility.await;

/**
 * What the pipeline tests share within a class: one real broker, one simulator over HTTP, plain Kafka clients, and
 * fresh topics and consumer groups per test so tests never see each other's records.
 */
final class PipelineTestEnvironment implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    EmbeddedKafkaBroker broker;
    Bitrix24Simulator simulator;
    KafkaTestClient kafka;

    /** Whether the broker runs Kafka's authorizer, so that a test can deny the writing of a topic. */
    private final boolean acls;

    private PipelineTestEnvironment(boolean acls) {
        this.acls = acls;
    }

    /** Started now; the caller closes it (try-with-resources). */
    static PipelineTestEnvironment start() {
        PipelineTestEnvironment env = new PipelineTestEnvironment(false);
        env.startParts();
        return env;
    }

    /** Started now, with a broker on which ACLs can deny the writing of a topic ({@link KafkaTestClient#denyWrites}). */
    static PipelineTestEnvironment startWithAcls() {
        PipelineTestEnvironment env = new PipelineTestEnvironment(true);
        env.startParts();
        return env;
    }

    /**
     * One for a whole test class, started before its first test and closed after its last:
     * {@code @RegisterExtension static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();}
     */
    static PipelineTestEnvironment perTestClass() {
        return new PipelineTestEnvironment(false);
    }

    /** {@link #perTestClass()} with a broker on which ACLs can deny the writing of a topic. */
    static PipelineTestEnvironment perTestClassWithAcls() {
        return new PipelineTestEnvironment(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        startParts();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private void startParts() {
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().temporaryDataDir();
        EmbeddedKafkaBroker startedBroker = (acls ? builder.acls() : builder).start();
        try {
            simulator = Bitrix24Simulator.builder().httpPort(0).httpsPort(-1).webhookCode("simulator")
                    .seed(1000).ratePlan(RatePlan.OFF).randomSeed(42L).start();
        } catch (RuntimeException e) {
            startedBroker.close();
            throw e;
        }
        broker = startedBroker;
        kafka = new KafkaTestClient(broker.bootstrapServers());
    }

    /** Six new topics named after the test, created with the given partitions. */
    PipelineTopics newTopics(String name, int partitions) {
        String p = name + "-" + SEQUENCE.incrementAndGet() + ".";
        PipelineTopics topics = new PipelineTopics(p + "requests", p + "succeeded", p + "not-found", p + "rejected",
                p + "invalid", p + "dlq");
        topics.createMissing(kafka.admin(), partitions);
        return topics;
    }

    /** The settings of one pipeline instance on these topics: fast retries, no management server. */
    Map<String, String> settings(PipelineTopics topics, String groupId) {
        return settings(broker.bootstrapServers(), simulator.webhookUrl(), topics, groupId);
    }

    /** The same settings for any broker and webhook. */
    static Map<String, String> settings(String bootstrapServers, String webhookUrl, PipelineTopics topics, String groupId) {
        Map<String, String> o = new HashMap<>();
        o.put("camel.main.name", groupId + "-" + SEQUENCE.incrementAndGet());
        o.put("camel.management.enabled", "false");
        o.put("bitrix24.kafka.bootstrap-servers", bootstrapServers);
        o.put("bitrix24.topic.requests", topics.requests());
        o.put("bitrix24.topic.succeeded", topics.succeeded());
        o.put("bitrix24.topic.not-found", topics.notFound());
        o.put("bitrix24.topic.rejected", topics.rejected());
        o.put("bitrix24.topic.invalid", topics.invalid());
        o.put("bitrix24.topic.dead-letter", topics.deadLetter());
        // OAuth mode's token store: the topic of these topics' test
        o.put("bitrix24.topic.oauth-tokens", topics.requests() + ".oauth-tokens");
        o.put("bitrix24.consumer.group-id", groupId);
        o.put("bitrix24.consumer.poll-timeout-ms", "200");
        o.put("bitrix24.webhook-url", webhookUrl);
        o.put("camel.component.bitrix24.max-attempts", "3");
        o.put("camel.component.bitrix24.initial-backoff", "20");
        o.put("camel.component.bitrix24.max-backoff", "100");
        o.put("camel.component.bitrix24.rate-limit-wait", "50");
        o.put("camel.component.bitrix24.retry-budget", "10000");
        o.put("camel.component.bitrix24.response-timeout", "3000");
        return o;
    }

    /**
     * The settings of one instance in OAuth application mode on this simulator (an app registered there, the pair it
     * issued), the token store left at its default: the compacted token topic of these topics.
     */
    Map<String, String> oauthSettings(PipelineTopics topics, String groupId, String clientId, String clientSecret,
                                      TokenPair tokens) {
        Map<String, String> o = settings(topics, groupId);
        o.put("bitrix24.webhook-url", "");
        o.put("bitrix24.portal-url", simulator.baseUrl());
        o.put("bitrix24.client-id", clientId);
        o.put("bitrix24.client-secret", clientSecret);
        o.put("bitrix24.access-token", tokens.accessToken());
        o.put("bitrix24.refresh-token", tokens.refreshToken());
        o.put("camel.component.bitrix24.oauth-token-url", simulator.oauthTokenUrl());
        return o;
    }

    /**
     * The environment of a pipeline JVM of its own in OAuth mode, as a user would configure it: the same application,
     * installed pair and token topic as {@code settings} ({@link #oauthSettings}).
     */
    Map<String, String> oauthProcessEnvironment(PipelineTopics topics, Map<String, String> settings) {
        Map<String, String> environment = PipelineProcess.environment(broker.bootstrapServers(), null, topics);
        environment.put("BITRIX24_PORTAL_URL", simulator.baseUrl());
        environment.put("BITRIX24_CLIENT_ID", settings.get("bitrix24.client-id"));
        environment.put("BITRIX24_CLIENT_SECRET", settings.get("bitrix24.client-secret"));
        environment.put("BITRIX24_ACCESS_TOKEN", settings.get("bitrix24.access-token"));
        environment.put("BITRIX24_REFRESH_TOKEN", settings.get("bitrix24.refresh-token"));
        environment.put("BITRIX24_OAUTH_TOKEN_URL", simulator.oauthTokenUrl());
        environment.put("BITRIX24_TOPIC_OAUTH_TOKENS", settings.get("bitrix24.topic.oauth-tokens"));
        return environment;
    }

    /** The properties of a pipeline JVM of its own in {@code group}: no management server, short polls. */
    static Map<String, String> processProperties(String name, String group) {
        Map<String, String> properties = new HashMap<>();
        properties.put("camel.main.name", name);
        properties.put("camel.management.enabled", "false");
        properties.put("bitrix24.consumer.group-id", group);
        properties.put("bitrix24.consumer.poll-timeout-ms", "200");
        return properties;
    }

    /** Partitions per member of the group now. */
    Map<String, Integer> assignment(String group) {
        try {
            ConsumerGroupDescription d = kafka.admin().describeConsumerGroups(List.of(group)).all()
                    .get(10, TimeUnit.SECONDS).get(group);
            return d.members().stream().collect(Collectors.toMap(MemberDescription::consumerId,
                    m -> m.assignment().topicPartitions().size()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every outcome record now, on all five outcome topics, with the topic it is on. */
    List<Outcome> outcomes(PipelineTopics topics) {
        List<Outcome> all = new ArrayList<>();
        for (String topic : topics.outcomeTopics()) {
            kafka.readAll(topic).forEach(r -> all.add(new Outcome(topic, r)));
        }
        return all;
    }

    List<Outcome> awaitOutcomes(PipelineTopics topics, int count, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(250)).until(() -> outcomes(topics).size() >= count);
        return outcomes(topics);
    }

    @Override
    public void close() {
        // after a start that failed, nothing was kept
        if (broker != null) {
            kafka.close();
            simulator.close();
            broker.close();
        }
    }

    /** One outcome record and the topic it landed on. */
    record Outcome(String topic, ConsumerRecord<byte[], byte[]> record) {
        String key() {
            return KafkaTestClient.text(record.key());
        }

        String header(String name) {
            return KafkaTestClient.header(record, name);
        }

        String value() {
            return KafkaTestClient.text(record.value());
        }
    }
}
