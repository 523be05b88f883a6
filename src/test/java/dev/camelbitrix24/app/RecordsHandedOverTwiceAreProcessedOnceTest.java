package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.camelbitrix24.app.PipelineTestEnvironment.Outcome;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommitFactory;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.apache.camel.component.kafka.consumer.support.KafkaRecordProcessor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.camelbitrix24.app.KafkaTestClient.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * camel-kafka's batching consumer queues a poll's records and hands them over after a later poll; when a rebalance
 * in between resets the position behind them (the eager protocol revokes and reassigns every partition), that later
 * poll fetches them again, and one hand-over holds the same record twice. Each request must still be processed once:
 * in the two-instance test this once gave a second call that found the activity gone (NOT_FOUND beside DELETED).
 * <p>
 * The hand-over is made here as camel-kafka makes it, with a real consumer of the group and a real record, and given
 * to the pipeline's {@link PollDispatcher} with the routes of {@code routes/} running.
 */
class RecordsHandedOverTwiceAreProcessedOnceTest {

    private static final RecordMapping RECORD_MAPPING = new RecordMapping();
    @RegisterExtension
    static final PipelineTestEnvironment env = PipelineTestEnvironment.perTestClass();

    @Test
    void aRecordHandedOverTwiceInOnePollIsDeletedOnceAndHasOneOutcome() throws Exception {
        PipelineTopics topics = env.newTopics("twice", 1);
        String group = "twice-group";
        Map<String, String> settings = env.settings(topics, "twice-pipeline");
        // the pipeline's own consumer reads another topic: the hand-over below is the only one of these requests
        settings.put("bitrix24.topic.requests", env.newTopics("twice-idle", 1).requests());
        env.kafka.send(topics.requests(), 0, "twice-1", utf8("{\"id\":977,\"requestId\":\"twice-1\"}"), Map.of());
        env.kafka.send(topics.requests(), 0, "twice-2", utf8("{\"id\":978,\"requestId\":\"twice-2\"}"), Map.of());
        long deletesBefore = env.simulator.control().callCount("crm.activity.delete");

        try (Pipeline pipeline = Pipeline.start(settings);
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env.broker.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                     ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                     ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of(topics.requests()));
            List<ConsumerRecord<byte[], byte[]>> fetched = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (fetched.size() < 2 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(fetched::add);
            }
            assertThat(fetched).hasSize(2);

            // the first copies of both, then both again as the poll after the rebalance fetched them
            CamelContext camel = pipeline.camelContext();
            List<Exchange> handedOver = new ArrayList<>();
            for (int copy = 0; copy < 2; copy++) {
                for (ConsumerRecord<byte[], byte[]> record : fetched) {
                    handedOver.add(recordExchange(camel, consumer, record));
                }
            }
            Exchange poll = camel.getEndpoint("kafka:" + topics.requests()).createExchange();
            poll.getMessage().setBody(handedOver);
            new PollDispatcher().dispatch(poll);

            List<Outcome> outcomes = env.outcomes(topics);
            assertThat(outcomes).extracting(Outcome::key).containsExactlyInAnyOrder("twice-1", "twice-2");
            assertThat(outcomes).allSatisfy(o -> assertThat(o.topic()).isEqualTo(topics.succeeded()));
            assertThat(env.simulator.control().callCount("crm.activity.delete") - deletesBefore).isEqualTo(2);
            assertThat(env.kafka.committed(group, topics.requests()).values()).containsExactly(2L);
        }
    }

    /**
     * A record's exchange as camel-kafka's batching consumer builds it: its own record-to-message mapping, and its
     * manual commit (allowManualCommit=true).
     */
    private static Exchange recordExchange(CamelContext camel, KafkaConsumer<byte[], byte[]> consumer,
            ConsumerRecord<byte[], byte[]> record) {
        KafkaEndpoint endpoint = camel.getEndpoint("kafka:" + record.topic(), KafkaEndpoint.class);
        Exchange exchange = RECORD_MAPPING.toExchange(endpoint, record);
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        exchange.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, new DefaultKafkaManualCommitFactory().newInstance(
                new KafkaManualCommitFactory.CamelExchangePayload(exchange, consumer, "test", null),
                new KafkaManualCommitFactory.KafkaRecordPayload(partition, record.offset(), 10_000), null));
        return exchange;
    }

    /** camel-kafka's mapping of a consumed record to a message (body, key, topic, partition, offset, headers...). */
    private static final class RecordMapping extends KafkaRecordProcessor {
        @SuppressWarnings({"unchecked", "rawtypes"})
        Exchange toExchange(KafkaEndpoint endpoint, ConsumerRecord<byte[], byte[]> record) {
            Exchange exchange = endpoint.createExchange();
            ConsumerRecord<Object, Object> any = (ConsumerRecord) record;
            setupExchangeMessage(exchange.getMessage(), any);
            propagateHeaders(endpoint.getConfiguration(), any, exchange);
            return exchange;
        }
    }
}
