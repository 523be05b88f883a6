package dev.camelbitrix24.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelbitrix24.component.Bitrix24TokenPair;
import dev.camelbitrix24.component.Bitrix24TokenStore;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OAuth token pair of one application on one portal, shared by every instance of the pipeline through a
 * compacted Kafka topic: the record key names the application (client id) and the portal, the value holds the pair.
 * A refreshed pair is saved with {@code acks=all} and the save returns only once Kafka acknowledged it, so the rotated
 * refresh token outlives the instance that got it; {@link #load()} reads the topic to its current end and returns
 * the last pair saved for the key, by whichever instance. The records hold live tokens: protect the topic with ACLs
 * (only the pipeline's principal may read or write it). Nothing here prints a token.
 * <p>
 * The topic is created on first use when it is missing and {@code createTopic} is on (compacted, one partition, the
 * cluster's default replication). The Kafka clients connect with the pipeline's own {@link KafkaClientSettings}.
 */
public class KafkaBitrix24TokenStore extends ServiceSupport implements Bitrix24TokenStore, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBitrix24TokenStore.class);
    private static final String ACCESS_TOKEN = "accessToken";
    private static final String REFRESH_TOKEN = "refreshToken";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ObjectMapper mapper = new ObjectMapper();
    private CamelContext camelContext;
    private KafkaClientSettings kafka;
    private String topic;
    private String clientId;
    private String portalUrl;
    private boolean createTopic = true;

    // guarded by this
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaConsumer<byte[], byte[]> consumer;
    private List<TopicPartition> partitions;
    private Bitrix24TokenPair latest;

    public KafkaBitrix24TokenStore() {
    }

    /** A store outside Camel Main, e.g. for a test: the given client settings, topic, application and portal. */
    public KafkaBitrix24TokenStore(KafkaClientSettings kafka, String topic, String clientId, String portalUrl) {
        this.kafka = kafka;
        this.topic = topic;
        this.clientId = clientId;
        this.portalUrl = portalUrl;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    public String getTopic() {
        return topic;
    }

    /** The compacted topic that holds the pairs. */
    public void setTopic(String topic) {
        this.topic = topic;
    }

    public String getClientId() {
        return clientId;
    }

    /** The OAuth application's client id: part of the record key. */
    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getPortalUrl() {
        return portalUrl;
    }

    /** The portal's address: part of the record key. */
    public void setPortalUrl(String portalUrl) {
        this.portalUrl = portalUrl;
    }

    public boolean isCreateTopic() {
        return createTopic;
    }

    /** Whether the topic is created on first use when it is missing (default true). */
    public void setCreateTopic(boolean createTopic) {
        this.createTopic = createTopic;
    }

    /** The record key: the application and the portal it is installed on. */
    String key() {
        return clientId + " " + portalUrl.trim().replaceAll("/+$", "");
    }

    @Override
    public synchronized Optional<Bitrix24TokenPair> load() {
        open();
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        byte[] key = key().getBytes(StandardCharsets.UTF_8);
        while (partitions.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Could not read the token topic " + topic + " to its end within " + TIMEOUT);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                if (Arrays.equals(key, record.key())) {
                    latest = record.value() == null ? null : parse(record);
                }
            }
        }
        return Optional.ofNullable(latest);
    }

    @Override
    public synchronized void save(Bitrix24TokenPair tokens) {
        open();
        var json = mapper.createObjectNode().put(ACCESS_TOKEN, tokens.getAccessToken());
        if (tokens.getRefreshToken() != null) {
            json.put(REFRESH_TOKEN, tokens.getRefreshToken());
        }
        try {
            producer.send(new ProducerRecord<>(topic, key().getBytes(StandardCharsets.UTF_8), mapper.writeValueAsBytes(json)))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            latest = tokens;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while saving the token pair to " + topic);
        } catch (ExecutionException | TimeoutException | JsonProcessingException e) {
            // the cause's type only: a serializer's message could quote the value
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("Kafka did not acknowledge the token pair on " + topic + " ("
                                            + cause.getClass().getSimpleName() + ")");
        }
    }

    private Bitrix24TokenPair parse(ConsumerRecord<byte[], byte[]> record) {
        try {
            JsonNode json = mapper.readTree(record.value());
            JsonNode access = json == null ? null : json.get(ACCESS_TOKEN);
            if (access != null && access.isTextual() && !access.asText().isEmpty()) {
                JsonNode refresh = json.get(REFRESH_TOKEN);
                return new Bitrix24TokenPair(access.asText(), refresh != null && refresh.isTextual() ? refresh.asText() : null);
            }
        } catch (IOException e) {
            // no message: it would quote the value
        }
        LOG.warn("Skipping {}-{}@{}: not a token pair", record.topic(), record.partition(), record.offset());
        return latest;
    }

    /** Creates the clients (and the topic, when missing) on first use. Called with the lock held. */
    private void open() {
        if (consumer != null) {
            return;
        }
        if (kafka == null) {
            kafka = KafkaClientSettings.from(camelContext);
        }
        if (clientId == null || clientId.isBlank() || portalUrl == null || portalUrl.isBlank()) {
            throw new IllegalStateException("KafkaBitrix24TokenStore needs the client id and the portal URL");
        }
        if (createTopic) {
            createTopicIfMissing();
        }
        String name = kafka.consumer().getProperty(ConsumerConfig.CLIENT_ID_CONFIG, "bitrix24") + "-oauth-tokens";
        Properties p = kafka.producer();
        p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, name);
        Properties c = kafka.consumer();
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        KafkaConsumer<byte[], byte[]> newConsumer = new KafkaConsumer<>(c);
        try {
            List<PartitionInfo> infos = partitionsOf(newConsumer);
            partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            newConsumer.assign(partitions);
            newConsumer.seekToBeginning(partitions);
            producer = new KafkaProducer<>(p);
        } catch (RuntimeException e) {
            newConsumer.close(Duration.ZERO);
            throw e;
        }
        consumer = newConsumer;
        if (camelContext != null) {
            try {
                // stopped with the pipeline
                camelContext.addService(this, true, true);
            } catch (Exception e) {
                LOG.debug("The token store is not stopped with the Camel context: {}", e.getMessage());
            }
        }
    }

    /** The topic's partitions, once the metadata of a topic created a moment ago reached the broker answering. */
    private List<PartitionInfo> partitionsOf(KafkaConsumer<?, ?> newConsumer) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            List<PartitionInfo> infos = newConsumer.partitionsFor(topic, TIMEOUT);
            if (infos != null && !infos.isEmpty()) {
                return infos;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The token topic " + topic + " does not exist");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while looking up the token topic " + topic, e);
            }
        }
    }

    private void createTopicIfMissing() {
        try (Admin admin = Admin.create(kafka.admin())) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!existing.contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                        .all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                LOG.info("Created the OAuth token topic {} (compacted)", topic);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the token topic " + topic, e);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                // a shared cluster may not let this user create topics; it may well exist already
                LOG.warn("Could not create the token topic {}: {}; going on: it must exist", topic, e.getCause().getMessage());
            }
        } catch (TimeoutException e) {
            LOG.warn("Could not create the token topic {} within {}; going on: it must exist", topic, TIMEOUT);
        }
    }

    @Override
    protected synchronized void doStop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
            consumer = null;
        }
    }

    @Override
    public String toString() {
        return "KafkaBitrix24TokenStore[" + topic + "]";
    }
}
