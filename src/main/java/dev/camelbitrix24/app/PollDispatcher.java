package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;

import dev.camelbitrix24.component.Bitrix24Constants;
import dev.camelbitrix24.component.Bitrix24PortalWait;
import dev.camelbitrix24.component.Bitrix24RetryLaterException;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the requests of one poll (camel-kafka {@code batching=true}: the body is the poll's record exchanges)
 * through the per-request route all at once, so that the Bitrix24 producer can batch them, then commits.
 * <p>
 * Each record exchange is the one camel-kafka built, sent as it is, so its unit of work, original message and
 * error handling are those of a request consumed alone (a splitter would copy it into a new exchange and lose that).
 * The consumer thread has them started and waits for every outcome. Then:
 * <ol>
 * <li>An outcome record that Kafka did not acknowledge is written again, in place, with backoff, the very record
 * that was refused: Bitrix24 is not called a second time and the outcome stays what it was. The consumer thread
 * waits meanwhile (its heartbeat goes on), for at most {@code bitrix24.consumer.outcome-retry-in-place-ms}.</li>
 * <li>Per partition, one {@code commitSync} for the whole poll commits up to the first request whose outcome is still
 * not written, and the consumer seeks back to that request: it and everything behind it are consumed again. So an
 * outcome may be written twice, never zero times.</li>
 * </ol>
 * camel-kafka's batching consumer hands over a poll's records while it handles the next poll, so a record it hands
 * over may already be stale: its partition was taken away by a rebalance, or the consumer was moved back before it
 * (a seek, or a rebalance that reset the position to the committed offset). Such a record will be consumed again
 * where it belongs; it is dropped here without being processed or committed. For the same reason one hand-over can
 * hold a record twice (queued from one poll, fetched again by the next after a rebalance reset the position behind
 * it): the second copy is dropped.
 */
public class PollDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(PollDispatcher.class);
    private static final String REQUEST_ROUTE = "direct:bitrix24-delete-request";
    private static final String CONSUMER_ROUTE_ID = "bitrix24-delete-requests";
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final int COMMIT_ATTEMPTS = 3;
    /** Commit metadata: when the commit was made, so that the search for written outcomes knows where to start. */
    private static final String COMMITTED_AT = "committed-at=";
    private static final long CLOCK_MARGIN_MILLIS = 60_000;

    private AsyncProducer perRequest;
    private ExecutorService starter;
    private ProducerTemplate rewriter;
    private long retryInPlaceMillis;
    private WrittenOutcomes writtenOutcomes;
    private PortalWaitPause pause;
    private final Map<Consumer<?, ?>, ConsumerState> states = Collections.synchronizedMap(new WeakHashMap<>());

    public void dispatch(Exchange poll) throws InterruptedException {
        List<?> records = poll.getMessage().getBody(List.class);
        if (records == null || records.isEmpty()) {
            return;
        }
        CamelContext camelContext = poll.getContext();
        AsyncProducer producer = producer(camelContext);
        List<Request> requests = current(records);
        if (requests.isEmpty()) {
            return;
        }
        long pollStartedAt = System.currentTimeMillis();
        try {
            List<Request> toProcess = withoutWrittenOutcomes(requests);
            markMayHaveDeleted(toProcess);
            CountDownLatch done = new CountDownLatch(toProcess.size());
            // started from another thread: on this one, Camel's reactive executor would queue them behind this very
            // step, which waits for them; each start returns as soon as its delete is handed to the Bitrix24 client
            starter.execute(() -> toProcess.forEach(request -> producer.process(request.exchange, doneSync -> done.countDown())));
            done.await();
            holdForPortal(requests);
            rewriteRefusedOutcomes(camelContext, requests);
        } catch (RuntimeException e) {
            // never let camel-kafka move on past requests whose outcome is unknown: it would commit the next poll
            rewind(requests, e);
            return;
        } catch (InterruptedException e) {
            // a forced stop: whatever was not committed is consumed again by the next owner
            rewind(requests, new IllegalStateException("interrupted while the requests of a poll ran"));
            throw e;
        }
        commitAndRewind(requests, pollStartedAt);
    }

    /**
     * Requests held back earlier whose call may have reached Bitrix24 go out saying so, so that
     * {@code Activity is not found.} for them is reported as the delete it is.
     */
    private void markMayHaveDeleted(List<Request> requests) {
        if (requests.isEmpty()) {
            return;
        }
        Map<TopicPartition, Set<Long>> mayHaveDeleted = state(requests.get(0).consumer).mayHaveDeleted;
        if (mayHaveDeleted.isEmpty()) {
            return;
        }
        for (Request request : requests) {
            Set<Long> offsets = mayHaveDeleted.get(request.partition);
            if (offsets != null && offsets.remove(request.offset)) {
                request.exchange.getMessage().setHeader(Bitrix24Constants.MAY_HAVE_DELETED, true);
            }
        }
    }

    /**
     * Requests the component gave back because the portal waits (or the endpoint stopped) have no outcome: they stay
     * uncommitted, are consumed again, and the consumer pauses until the portal can take them.
     */
    private void holdForPortal(List<Request> requests) {
        Bitrix24PortalWait latest = null;
        int held = 0;
        ConsumerState state = null;
        for (Request request : requests) {
            Bitrix24RetryLaterException later = request.exchange.getException(Bitrix24RetryLaterException.class);
            if (later == null) {
                continue;
            }
            request.held = later;
            held++;
            if (state == null) {
                state = state(request.consumer);
            }
            if (later.isMayHaveDeleted()) {
                state.mayHaveDeleted.computeIfAbsent(request.partition, p -> new HashSet<>()).add(request.offset);
            }
            Bitrix24PortalWait wait = later.getPortalWait();
            if (wait != null && (latest == null || wait.until().isAfter(latest.until()))) {
                latest = wait;
            }
        }
        if (held == 0) {
            return;
        }
        LOG.info("{} of {} request(s) held without an outcome ({}); they are consumed again{}", held, requests.size(),
                latest == null ? "the endpoint stopped" : latest.reason(), latest == null ? ""
                        : " when the pause ends: " + PortalWaitPause.describe(latest));
        if (latest != null && pause != null) {
            pause.pauseUntil(latest);
        }
    }

    /** After an unexpected failure: nothing of this poll is committed, and every partition goes back to its start. */
    private void rewind(List<Request> requests, RuntimeException failure) {
        LOG.error("The requests of a poll could not be run ({}); they are consumed again", failure.toString(), failure);
        Consumer<?, ?> consumer = requests.get(0).consumer;
        Map<TopicPartition, Long> first = new HashMap<>();
        requests.forEach(r -> first.merge(r.partition, r.offset, Math::min));
        Set<TopicPartition> assignment = consumer.assignment();
        ConsumerState state = state(consumer);
        first.forEach((partition, offset) -> {
            if (assignment.contains(partition)) {
                consumer.seek(partition, offset);
            }
            state.doneUpTo.put(partition, offset);
            // the outcomes this poll did write are looked for again when its requests come back
            state.written.remove(partition);
        });
    }

    /** The poll's requests that are still this consumer's to process, with their consumer, partition and offset. */
    private List<Request> current(List<?> records) {
        List<Request> requests = new ArrayList<>(records.size());
        Map<TopicPartition, Long> doneUpTo = null;
        Set<TopicPartition> alreadyDone = new HashSet<>();
        int alreadyDoneCount = 0;
        Map<TopicPartition, Long> positions = new HashMap<>();
        Consumer<?, ?> consumer = null;
        Set<TopicPartition> assignment = null;
        Map<TopicPartition, Set<Long>> taken = new HashMap<>();
        int stale = 0;
        int twice = 0;
        for (Object record : records) {
            Exchange exchange = (Exchange) record;
            KafkaManualCommit manual = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (!(manual instanceof DefaultKafkaManualCommit commit)) {
                throw new IllegalStateException("No " + KafkaConstants.MANUAL_COMMIT + " header: the request consumer must run "
                                                + "with batching=true, allowManualCommit=true and autoCommitEnable=false");
            }
            if (consumer == null) {
                // one poll comes from one consumer (one per consumer thread), and we run on its thread
                consumer = commit.getConsumer();
                assignment = consumer.assignment();
                doneUpTo = state(consumer).doneUpTo;
            }
            TopicPartition partition = commit.getPartition();
            long offset = commit.getRecordOffset();
            Long position = assignment.contains(partition) ? position(consumer, partition, positions) : null;
            if (position == null || offset >= position) {
                stale++;
                continue;
            }
            if (offset < doneUpTo.getOrDefault(partition, Long.MIN_VALUE)) {
                alreadyDone.add(partition);
                alreadyDoneCount++;
                continue;
            }
            if (!taken.computeIfAbsent(partition, p -> new HashSet<>()).add(offset)) {
                // the same record twice in one hand-over: camel-kafka queued it from a poll, then a rebalance reset the
                // position behind it and the next poll fetched it again before the queue was handed over
                twice++;
                continue;
            }
            requests.add(new Request(exchange, consumer, partition, offset));
        }
        if (stale > 0 || alreadyDoneCount > 0 || twice > 0) {
            LOG.info("Of {} requests handed over, {} were stale (partition moved, or consumer moved back before them; they "
                     + "are consumed again where they belong), {} already had their outcome (fetched again after a "
                     + "rebalance) and {} were second copies of a request in the same hand-over (fetched again after a "
                     + "rebalance, before the first copy was handed over); none of these is processed",
                    records.size(), stale, alreadyDoneCount, twice);
        }
        if (!alreadyDone.isEmpty()) {
            // they were written but perhaps never committed: commit them now (a poll with requests to process commits
            // past them anyway), so that nobody processes them again
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition partition : alreadyDone) {
                if (requests.stream().noneMatch(r -> r.partition.equals(partition))) {
                    offsets.put(partition, committedAt(doneUpTo.get(partition), state(consumer).stamp(partition,
                            System.currentTimeMillis())));
                }
            }
            commit(consumer, offsets);
        }
        return requests;
    }

    private ConsumerState state(Consumer<?, ?> consumer) {
        return states.computeIfAbsent(consumer, c -> new ConsumerState());
    }

    /**
     * The requests that still need processing. The first time this consumer meets a partition after a rebalance, it
     * looks for outcome records already written for its uncommitted requests (by an instance that died or lost the
     * partition before it committed); those requests are counted as done, not processed again. The same search covers
     * the other partitions it was given that have a commit of this pipeline, so that they need no search of their own.
     */
    private List<Request> withoutWrittenOutcomes(List<Request> requests) {
        Consumer<?, ?> consumer = requests.get(0).consumer;
        ConsumerState state = state(consumer);
        int generation = consumer.groupMetadata().generationId();
        if (generation != state.generation) {
            state.generation = generation;
            state.written.clear();
            state.writtenSince.clear();
        }
        Map<TopicPartition, Long> firstOffset = new HashMap<>();
        Map<TopicPartition, Long> firstTimestamp = new HashMap<>();
        for (Request request : requests) {
            if (!state.written.containsKey(request.partition)) {
                firstOffset.merge(request.partition, request.offset, Math::min);
                Long timestamp = request.exchange.getMessage().getHeader(KafkaConstants.TIMESTAMP, Long.class);
                if (timestamp != null) {
                    firstTimestamp.merge(request.partition, timestamp, Math::min);
                }
            }
        }
        if (!firstOffset.isEmpty()) {
            // the other partitions this consumer was given and has not met yet are searched in the same pass, from
            // their last commit: one search then serves them all, instead of one per partition as their requests come
            Set<TopicPartition> notMetYet = new HashSet<>(consumer.assignment());
            notMetYet.removeAll(state.written.keySet());
            notMetYet.removeAll(firstOffset.keySet());
            Set<TopicPartition> partitions = new HashSet<>(firstOffset.keySet());
            partitions.addAll(notMetYet);
            Map<TopicPartition, OffsetAndMetadata> committed = committed(consumer, partitions);
            for (TopicPartition partition : notMetYet) {
                OffsetAndMetadata commit = committed.get(partition);
                // without a commit of ours the search would have to start at the beginning: left until it is met
                if (committedAt(commit) != null) {
                    firstOffset.put(partition, commit.offset());
                }
            }
            long since = searchFrom(firstOffset.keySet(), committed, firstTimestamp);
            Map<TopicPartition, Set<Long>> found;
            try {
                found = writtenOutcomes.find(firstOffset, since);
            } catch (RuntimeException e) {
                // never worse than not searching: those requests are processed again (a second outcome, not none)
                LOG.warn("Could not search the outcome topics for outcomes already written ({}); the uncommitted "
                         + "requests of {} are processed again", e.toString(), firstOffset.keySet());
                found = Map.of();
            }
            for (TopicPartition partition : firstOffset.keySet()) {
                Set<Long> foundHere = found.getOrDefault(partition, Set.of());
                state.written.put(partition, new HashSet<>(foundHere));
                if (!foundHere.isEmpty()) {
                    // a commit made while these are still ahead of it must let a later search find them again
                    state.writtenSince.put(partition, since);
                }
            }
        }
        List<Request> toProcess = new ArrayList<>(requests.size());
        int skipped = 0;
        for (Request request : requests) {
            Set<Long> written = state.written.get(request.partition);
            if (written != null && written.remove(request.offset)) {
                request.written = true;
                skipped++;
            } else {
                toProcess.add(request);
            }
        }
        if (skipped > 0) {
            LOG.info("{} request(s) already had an outcome record written before a crash or a rebalance; they are "
                     + "committed without being processed again", skipped);
        }
        return toProcess;
    }

    /**
     * A moment before which no outcome of these partitions' uncommitted requests can have been written: the last
     * commit (its time is in the commit's metadata) or the oldest request's timestamp, whichever is later, less a
     * margin for clocks.
     */
    private static long searchFrom(Set<TopicPartition> partitions, Map<TopicPartition, OffsetAndMetadata> committed,
            Map<TopicPartition, Long> firstTimestamp) {
        long since = Long.MAX_VALUE;
        for (TopicPartition partition : partitions) {
            long bound = firstTimestamp.getOrDefault(partition, 0L);
            Long committedAt = committedAt(committed.get(partition));
            if (committedAt != null) {
                bound = Math.max(bound, committedAt);
            }
            since = Math.min(since, bound);
        }
        return Math.max(0, since - CLOCK_MARGIN_MILLIS);
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Consumer<?, ?> consumer, Set<TopicPartition> partitions) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions, Duration.ofSeconds(30));
            return committed == null ? Map.of() : committed;
        } catch (KafkaException e) {
            return Map.of();
        }
    }

    /** When a commit of this pipeline was made (from its metadata), or null for none or somebody else's. */
    private static Long committedAt(OffsetAndMetadata commit) {
        if (commit == null || commit.metadata() == null || !commit.metadata().startsWith(COMMITTED_AT)) {
            return null;
        }
        try {
            return Long.parseLong(commit.metadata().substring(COMMITTED_AT.length()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long position(Consumer<?, ?> consumer, TopicPartition partition, Map<TopicPartition, Long> positions) {
        try {
            return positions.computeIfAbsent(partition, consumer::position);
        } catch (KafkaException e) {
            // no position now (a wakeup while it was looked up, say): treated as stale, consumed again later
            return null;
        }
    }

    private static OffsetAndMetadata committedAt(long offset, long stampMillis) {
        return new OffsetAndMetadata(offset, COMMITTED_AT + stampMillis);
    }

    /**
     * Writes again, in place, the outcome records that Kafka refused, until each is acknowledged, the pipeline stops,
     * or the time for retrying in place is spent.
     */
    private void rewriteRefusedOutcomes(CamelContext camelContext, List<Request> requests) throws InterruptedException {
        List<Request> refused = new ArrayList<>();
        for (Request request : requests) {
            if (request.exchange.getException() != null && request.outcomeEndpoint() != null) {
                refused.add(request);
            }
        }
        if (refused.isEmpty()) {
            return;
        }
        long deadline = System.currentTimeMillis() + retryInPlaceMillis;
        long backoff = FIRST_BACKOFF_MILLIS;
        int round = 0;
        while (!refused.isEmpty()) {
            round++;
            Request first = refused.get(0);
            LOG.warn("Kafka did not acknowledge {} outcome record(s) (first {}-{}@{}: {}); writing them again in {} ms "
                     + "(round {})", refused.size(), first.partition.topic(), first.partition.partition(), first.offset,
                    first.failure().getMessage(), backoff, round);
            if (!sleepUnlessStopping(camelContext, backoff, deadline)) {
                LOG.warn("{} outcome record(s) still not written ({}); their requests will be consumed again",
                        refused.size(), isStopping(camelContext) ? "the pipeline is stopping" : "retried in place for "
                                + retryInPlaceMillis + " ms");
                return;
            }
            List<CompletableFuture<Exchange>> attempts = new ArrayList<>(refused.size());
            for (Request request : refused) {
                Exchange again = request.exchange.copy();
                again.setException(null);
                again.setRouteStop(false);
                attempts.add(rewriter.asyncSend(request.outcomeEndpoint(), again));
            }
            List<Request> stillRefused = new ArrayList<>();
            for (int i = 0; i < refused.size(); i++) {
                Request request = refused.get(i);
                Exchange attempt = attempts.get(i).join();
                if (attempt.getException() == null) {
                    request.written = true;
                } else {
                    request.lastFailure = attempt.getException();
                    stillRefused.add(request);
                }
            }
            refused = stillRefused;
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
        LOG.info("Every refused outcome record was written after {} round(s)", round);
    }

    /** Per partition: one commit behind the unbroken run of written outcomes; a seek back to the first unwritten one. */
    private void commitAndRewind(List<Request> requests, long pollStartedAt) {
        Map<TopicPartition, TreeMap<Long, Request>> byPartition = new HashMap<>();
        for (Request request : requests) {
            byPartition.computeIfAbsent(request.partition, p -> new TreeMap<>()).put(request.offset, request);
        }
        Consumer<?, ?> consumer = requests.get(0).consumer;
        ConsumerState state = state(consumer);
        Map<TopicPartition, Long> doneUpTo = state.doneUpTo;
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, TreeMap<Long, Request>> partition : byPartition.entrySet()) {
            Request lastWritten = null;
            Request firstUnwritten = null;
            for (Request request : partition.getValue().values()) {
                if (!request.written()) {
                    firstUnwritten = request;
                    break;
                }
                lastWritten = request;
            }
            if (lastWritten != null) {
                // stamped with the poll's start: no outcome of a request behind this commit was written before it
                offsets.put(partition.getKey(), committedAt(lastWritten.offset + 1, state.stamp(partition.getKey(),
                        pollStartedAt)));
                doneUpTo.put(partition.getKey(), lastWritten.offset + 1);
            }
            if (firstUnwritten != null) {
                // the requests behind it that do have their outcome are counted as done when they come back
                Set<Long> written = state.written.computeIfAbsent(partition.getKey(), p -> new HashSet<>());
                partition.getValue().tailMap(firstUnwritten.offset, false).values().stream()
                        .filter(Request::written).forEach(r -> written.add(r.offset));
                if (!written.isEmpty()) {
                    state.writtenSince.putIfAbsent(partition.getKey(), pollStartedAt);
                }
                if (firstUnwritten.held == null) {
                    LOG.warn("The outcome of {}@{} was not written ({}); it and the requests behind it without an outcome "
                             + "are consumed again", partition.getKey(), firstUnwritten.offset,
                            firstUnwritten.failure().getMessage());
                }
                // on the consumer's thread, inside its poll loop: the consumer may be used here. Records of this
                // partition already handed over are now behind the position, so they are dropped as stale
                consumer.seek(partition.getKey(), firstUnwritten.offset);
                doneUpTo.put(partition.getKey(), firstUnwritten.offset);
            }
        }
        commit(consumer, offsets);
    }

    private static void commit(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(30));
                return;
            } catch (WakeupException | TimeoutException e) {
                // a wakeup is how camel-kafka interrupts a poll when it stops; it is spent now, so the commit may go on.
                // A commit is idempotent, so one that timed out may be sent again
                if (attempt >= COMMIT_ATTEMPTS) {
                    LOG.warn("Could not commit {}: {}; these requests may be processed once more", offsets, e.toString());
                    return;
                }
            } catch (KafkaException e) {
                // the partition moved to another instance meanwhile: it may process these again, never fewer
                LOG.warn("Could not commit {}: {}; these requests may be processed once more", offsets, e.toString());
                return;
            }
        }
    }

    private static boolean sleepUnlessStopping(CamelContext camelContext, long millis, long deadline)
            throws InterruptedException {
        long until = System.currentTimeMillis() + millis;
        if (until > deadline) {
            return false;
        }
        while (System.currentTimeMillis() < until) {
            if (isStopping(camelContext)) {
                return false;
            }
            Thread.sleep(Math.min(50, Math.max(1, until - System.currentTimeMillis())));
        }
        return !isStopping(camelContext);
    }

    private static boolean isStopping(CamelContext camelContext) {
        if (!camelContext.isStarted() || camelContext.isStopping()) {
            return true;
        }
        ServiceStatus route = camelContext.getRouteController().getRouteStatus(CONSUMER_ROUTE_ID);
        return route != null && !route.isStarted();
    }

    private synchronized AsyncProducer producer(CamelContext camelContext) {
        if (perRequest == null) {
            try {
                AsyncProducer created = camelContext.getEndpoint(REQUEST_ROUTE).createAsyncProducer();
                ServiceHelper.startService(created);
                // one thread: starting a request is quick, its delete and outcome run on the component's threads
                starter = camelContext.getExecutorServiceManager().newSingleThreadExecutor(this, "Bitrix24PollDispatcher");
                rewriter = camelContext.createProducerTemplate();
                retryInPlaceMillis = Long.parseLong(camelContext.resolvePropertyPlaceholders(
                        "{{bitrix24.consumer.outcome-retry-in-place-ms:300000}}"));
                KafkaComponent kafka = camelContext.getComponent("kafka", KafkaComponent.class);
                List<String> outcomeTopics = new ArrayList<>();
                for (String topic : List.of("succeeded", "not-found", "rejected", "invalid", "dead-letter")) {
                    outcomeTopics.add(camelContext.resolvePropertyPlaceholders("{{bitrix24.topic." + topic + "}}"));
                }
                Properties consumerProperties = kafka.getConfiguration().createConsumerProperties();
                // camel-kafka adds the brokers when it creates its own consumers, not in these properties
                consumerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, camelContext.resolvePropertyPlaceholders(
                        kafka.getConfiguration().getBrokers()));
                writtenOutcomes = new WrittenOutcomes(consumerProperties, outcomeTopics, Duration.ofSeconds(60));
                pause = camelContext.getRegistry().findSingleByType(PortalWaitPause.class);
                perRequest = created;
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start the producer of the per-request route", e);
            }
        }
        return perRequest;
    }

    /** What one consumer has done; used only on that consumer's own thread. */
    private static final class ConsumerState {
        /**
         * Per partition: the offset after the last request whose outcome this consumer wrote (and committed, or tried
         * to). A request handed over below it already has its outcome: after a rebalance that reset the position to an
         * older commit, or as a copy fetched again while the first copy was still queued.
         */
        final Map<TopicPartition, Long> doneUpTo = new HashMap<>();
        /** Per partition met since the last rebalance: the uncommitted offsets found with an outcome already written. */
        final Map<TopicPartition, Set<Long>> written = new HashMap<>();
        /** Per partition: held requests whose call may have reached Bitrix24. */
        final Map<TopicPartition, Set<Long>> mayHaveDeleted = new HashMap<>();
        /** Per partition with outcomes written past its commit (in {@link #written}): the start of the poll that wrote the first. */
        final Map<TopicPartition, Long> writtenSince = new HashMap<>();
        int generation = Integer.MIN_VALUE;

        /**
         * The time a commit of {@code partition} is stamped with: no outcome of a request behind it was written before.
         * That is the poll's start, or the start of an earlier poll that wrote outcomes past the commit still unused.
         */
        long stamp(TopicPartition partition, long pollStartedAt) {
            Set<Long> pending = written.get(partition);
            if (pending == null || pending.isEmpty()) {
                writtenSince.remove(partition);
                return pollStartedAt;
            }
            return Math.min(pollStartedAt, writtenSince.getOrDefault(partition, pollStartedAt));
        }
    }

    /** One request of the poll. */
    private static final class Request {
        final Exchange exchange;
        final Consumer<?, ?> consumer;
        final TopicPartition partition;
        final long offset;
        volatile boolean written;
        Throwable lastFailure;
        /** Set when the component gave it back without an outcome. */
        Bitrix24RetryLaterException held;

        Request(Exchange exchange, Consumer<?, ?> consumer, TopicPartition partition, long offset) {
            this.exchange = exchange;
            this.consumer = consumer;
            this.partition = partition;
            this.offset = offset;
        }

        boolean written() {
            return written || exchange.getException() == null;
        }

        Throwable failure() {
            return lastFailure != null ? lastFailure : exchange.getException();
        }

        /**
         * The Kafka endpoint the outcome record was being written to when the request failed, or null when it failed
         * before its outcome record was made (nothing to write again: the request itself is consumed again).
         */
        String outcomeEndpoint() {
            String to = exchange.getProperty(ExchangePropertyKey.TO_ENDPOINT, String.class);
            boolean outcomeMade = exchange.getMessage().getHeader(OutcomeHeaders.OUTCOME) != null;
            return outcomeMade && to != null && to.startsWith("kafka:") ? to : null;
        }
    }
}
