package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;

import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Runs the requests of one poll (camel-kafka {@code batching=true}: the body is the poll's record exchanges)
 * through the per-request route all at once, so that the Bitrix24 producer can batch them, then commits. Each record
 * exchange is the one camel-kafka built, sent as it is, so its unit of work, original message and error handling are
 * those of a request consumed alone (a splitter would copy it into a new exchange and lose that). The consumer thread
 * has them started and waits for every outcome. The steps, each in a class of its own:
 * <ol>
 * <li>{@link HandOverFilter}: which records of the hand-over are still this consumer's to process;</li>
 * <li>{@link WrittenOutcomeIndex}: which of them already have an outcome record (written before a crash or a
 * rebalance, or behind a held request), not processed again;</li>
 * <li>{@link FilterPoll}: filter requests set aside, one page of each listed, its deletes added to the run;</li>
 * <li>the run itself, here;</li>
 * <li>{@link HeldRequests}: the requests the component gave back because the portal waits, left uncommitted while the
 * consumer pauses;</li>
 * <li>{@link RefusedOutcomeRewriter}: outcome records Kafka did not acknowledge, written again in place;</li>
 * <li>{@link PartitionCommits}: the commit rule, one commit per partition behind the requests that have their
 * outcome, and a seek back to the first that has none.</li>
 * </ol>
 */
public class PollDispatcher {

    private static final String REQUEST_ROUTE = "direct:bitrix24-delete-request";
    /** The route whose Kafka consumer hands the polls over. */
    static final String CONSUMER_ROUTE_ID = "bitrix24-delete-requests";

    private AsyncProducer perRequest;
    private ExecutorService starter;
    private RefusedOutcomeRewriter rewriter;
    /** Lists the pages of filter requests and writes their summaries. */
    private ProducerTemplate filterTemplate;
    private PipelineTopics topics;
    private WrittenOutcomeIndex index;
    private PortalWaitPause pause;
    private PortalWaitListener listener;
    /** Deletes per batch call when the component batches, else 1. */
    private int batchSize = 1;
    private final Map<Consumer<?, ?>, ConsumerState> states = Collections.synchronizedMap(new WeakHashMap<>());

    public void dispatch(Exchange poll) throws InterruptedException {
        List<?> records = poll.getMessage().getBody(List.class);
        if (records == null || records.isEmpty()) {
            return;
        }
        CamelContext camelContext = poll.getContext();
        AsyncProducer producer = producer(camelContext);
        List<PollRequest> requests = HandOverFilter.current(records, this::state);
        if (requests.isEmpty()) {
            return;
        }
        // one poll comes from one consumer (one per consumer thread), and this runs on its thread
        ConsumerState state = state(requests.get(0).consumer);
        long pollStartedAt = System.currentTimeMillis();
        FilterPoll filters = new FilterPoll(camelContext, filterTemplate, topics, state);
        try {
            List<PollRequest> toProcess = wholeBatches(filters.setAside(index.withoutWrittenOutcomes(requests, state)));
            HeldRequests.markMayHaveDeleted(toProcess, state);
            filters.listPages(pause, pollStartedAt);
            if (!PartitionCommits.recordAttempts(requests, toProcess, filters.newPages(), state, pollStartedAt)) {
                // a page's deletes leave only once a commit names them
                filters.abandonNewPages();
            }
            List<PollRequest> activities = filters.activities();
            List<PollRequest> run = new ArrayList<>(toProcess.size() + activities.size());
            run.addAll(toProcess);
            run.addAll(activities);
            CountDownLatch done = new CountDownLatch(run.size());
            // marked as one batch, the way Camel's batch consumers do: a delete that is not the poll's last tells the
            // component that more follow, so that its batch calls wait for them and leave full
            for (int i = 0; i < run.size(); i++) {
                Exchange exchange = run.get(i).exchange;
                exchange.setProperty(ExchangePropertyKey.BATCH_INDEX, i);
                exchange.setProperty(ExchangePropertyKey.BATCH_SIZE, run.size());
                exchange.setProperty(ExchangePropertyKey.BATCH_COMPLETE, i == run.size() - 1);
            }
            // started from another thread: on this one, Camel's reactive executor would queue them behind this very
            // step, which waits for them; each start returns as soon as its delete is handed to the Bitrix24 client
            starter.execute(() -> run.forEach(request -> producer.process(request.exchange, doneSync -> done.countDown())));
            done.await();
            HeldRequests.hold(requests, state, pause);
            filters.hold(pause);
            if (listener != null) {
                // this consumer stops taking requests at once, not after its next poll
                listener.apply(requests.get(0).consumer);
            }
            List<PollRequest> outcomes = new ArrayList<>(requests.size() + activities.size());
            outcomes.addAll(requests);
            outcomes.addAll(activities);
            rewriter.rewrite(camelContext, outcomes);
            filters.settle();
        } catch (RuntimeException e) {
            // never let camel-kafka move on past requests whose outcome is unknown: it would commit the next poll
            filters.rewind();
            PartitionCommits.rewind(requests, state, e);
            return;
        } catch (InterruptedException e) {
            // a forced stop: whatever was not committed is consumed again by the next owner
            filters.rewind();
            PartitionCommits.rewind(requests, state, new IllegalStateException("interrupted while the requests of a poll ran"));
            throw e;
        }
        PartitionCommits.commitAndRewind(requests, state, pollStartedAt);
    }

    /**
     * A backlog's poll runs in whole batches: the requests that would make its last batch a partial one (the tail of
     * the last partitions) are left for the next poll, which fills that batch, instead of spending one of the portal's
     * requests on a few deletes. A poll of less than two batches runs whole, so a trickle waits for nothing.
     */
    private List<PollRequest> wholeBatches(List<PollRequest> toProcess) {
        int rest = batchSize > 1 && toProcess.size() >= 2 * batchSize ? toProcess.size() % batchSize : 0;
        if (rest == 0) {
            return toProcess;
        }
        List<PollRequest> ordered = new ArrayList<>(toProcess);
        ordered.sort(Comparator.comparing((PollRequest r) -> r.partition.toString()).thenComparingLong(r -> r.offset));
        List<PollRequest> tail = ordered.subList(ordered.size() - rest, ordered.size());
        tail.forEach(r -> r.deferred = true);
        return new ArrayList<>(ordered.subList(0, ordered.size() - rest));
    }

    private ConsumerState state(Consumer<?, ?> consumer) {
        return states.computeIfAbsent(consumer, c -> new ConsumerState());
    }

    private synchronized AsyncProducer producer(CamelContext camelContext) {
        if (perRequest == null) {
            try {
                AsyncProducer created = camelContext.getEndpoint(REQUEST_ROUTE).createAsyncProducer();
                ServiceHelper.startService(created);
                // one thread: starting a request is quick, its delete and outcome run on the component's threads
                starter = camelContext.getExecutorServiceManager().newSingleThreadExecutor(this, "Bitrix24PollDispatcher");
                filterTemplate = camelContext.createProducerTemplate();
                topics = PipelineTopics.from(camelContext);
                rewriter = new RefusedOutcomeRewriter(camelContext.createProducerTemplate(), Long.parseLong(
                        camelContext.resolvePropertyPlaceholders("{{bitrix24.consumer.outcome-retry-in-place-ms:300000}}")));
                index = new WrittenOutcomeIndex(new WrittenOutcomes(KafkaClientSettings.from(camelContext).consumer(),
                        topics.outcomeTopics(), Duration.ofSeconds(60)));
                pause = camelContext.getRegistry().findSingleByType(PortalWaitPause.class);
                listener = camelContext.getRegistry().findSingleByType(PortalWaitListener.class);
                if (Boolean.parseBoolean(camelContext.resolvePropertyPlaceholders("{{camel.component.bitrix24.batching:false}}"))) {
                    batchSize = Integer.parseInt(camelContext.resolvePropertyPlaceholders(
                            "{{camel.component.bitrix24.max-batch-size:50}}"));
                }
                perRequest = created;
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start the producer of the per-request route", e);
            }
        }
        return perRequest;
    }
}
