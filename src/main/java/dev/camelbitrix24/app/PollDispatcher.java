package dev.camelbitrix24.app;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;

import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the requests of one poll (camel-kafka {@code batching=true}: the body is the poll's record exchanges)
 * through the per-request route all at once, so that the Bitrix24 producer can batch them, then commits.
 * <p>
 * Each record exchange is the one camel-kafka built, sent as it is, so its unit of work, original message and
 * error handling are those of a request consumed alone (a splitter would copy it into a new exchange and lose that).
 * The consumer thread has them started and waits for every outcome. Then, per partition, it commits up to the first
 * request whose outcome Kafka did not acknowledge and seeks back to it, so that request and everything after it
 * are consumed again: an outcome may be written twice, never zero times.
 */
public class PollDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(PollDispatcher.class);

    private AsyncProducer perRequest;
    private ExecutorService starter;

    public void dispatch(Exchange poll) throws InterruptedException {
        List<?> records = poll.getMessage().getBody(List.class);
        if (records == null || records.isEmpty()) {
            return;
        }
        AsyncProducer producer = producer(poll.getContext());
        CountDownLatch done = new CountDownLatch(records.size());
        List<Exchange> requests = new ArrayList<>(records.size());
        for (Object record : records) {
            requests.add((Exchange) record);
        }
        // started from another thread: on this one, Camel's reactive executor would queue them behind this very step,
        // which waits for them; each start returns as soon as its delete is handed to the Bitrix24 client
        starter.execute(() -> requests.forEach(request -> producer.process(request, doneSync -> done.countDown())));
        done.await();
        commitAcknowledged(requests);
    }

    /** Per partition: commit behind the last request of the unbroken run of acknowledged outcomes; seek to the first failure. */
    private static void commitAcknowledged(List<Exchange> requests) {
        Map<TopicPartition, TreeMap<Long, Exchange>> byPartition = new HashMap<>();
        for (Exchange request : requests) {
            KafkaManualCommit manual = request.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (!(manual instanceof DefaultKafkaManualCommit commit)) {
                throw new IllegalStateException("No " + KafkaConstants.MANUAL_COMMIT + " header: the request consumer must run "
                                                + "with batching=true, allowManualCommit=true and autoCommitEnable=false");
            }
            byPartition.computeIfAbsent(commit.getPartition(), p -> new TreeMap<>()).put(commit.getRecordOffset(), request);
        }
        for (Map.Entry<TopicPartition, TreeMap<Long, Exchange>> partition : byPartition.entrySet()) {
            Exchange lastAcknowledged = null;
            Exchange firstFailed = null;
            for (Exchange request : partition.getValue().values()) {
                if (request.getException() != null) {
                    firstFailed = request;
                    break;
                }
                lastAcknowledged = request;
            }
            if (lastAcknowledged != null) {
                commit(lastAcknowledged);
            }
            if (firstFailed != null) {
                DefaultKafkaManualCommit failed = firstFailed.getMessage()
                        .getHeader(KafkaConstants.MANUAL_COMMIT, DefaultKafkaManualCommit.class);
                LOG.warn("The outcome of {}@{} could not be written ({}); it is consumed again", partition.getKey(),
                        failed.getRecordOffset(), firstFailed.getException().getMessage());
                // we run on the consumer's thread, inside its poll loop: the consumer may be used here
                failed.getConsumer().seek(partition.getKey(), failed.getRecordOffset());
            }
        }
    }

    private static void commit(Exchange request) {
        KafkaManualCommit manual = request.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        try {
            manual.commit();
        } catch (KafkaException e) {
            // the partition moved to another instance meanwhile: it may process these again, never fewer
            LOG.warn("Could not commit the offset of {}: {}; the request may be processed once more", manual, e.getMessage());
        }
    }

    private synchronized AsyncProducer producer(CamelContext camelContext) {
        if (perRequest == null) {
            try {
                AsyncProducer created = camelContext.getEndpoint("direct:bitrix24-delete-request").createAsyncProducer();
                ServiceHelper.startService(created);
                // one thread: starting a request is quick, its delete and outcome run on the component's threads
                starter = camelContext.getExecutorServiceManager().newSingleThreadExecutor(this, "Bitrix24PollDispatcher");
                perRequest = created;
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start the producer of the per-request route", e);
            }
        }
        return perRequest;
    }
}
