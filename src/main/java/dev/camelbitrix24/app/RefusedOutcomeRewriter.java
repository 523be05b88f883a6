package dev.camelbitrix24.app;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes again, in place, the very outcome records Kafka did not acknowledge: Bitrix24 is not called a second time
 * and the outcome stays what it was. The consumer thread waits meanwhile (its heartbeat goes on), with backoff, for at
 * most {@code bitrix24.consumer.outcome-retry-in-place-ms}; what is still refused then is consumed again. A record
 * refused as too large can never be written as it is: it is written trimmed at once ({@link TrimmedOutcome}), and only
 * if that is refused too does it take the path of the others.
 */
final class RefusedOutcomeRewriter {

    private static final Logger LOG = LoggerFactory.getLogger(RefusedOutcomeRewriter.class);
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final ProducerTemplate rewriter;
    private final long retryInPlaceMillis;

    RefusedOutcomeRewriter(ProducerTemplate rewriter, long retryInPlaceMillis) {
        this.rewriter = rewriter;
        this.retryInPlaceMillis = retryInPlaceMillis;
    }

    /**
     * Writes again, in place, the outcome records that Kafka refused, until each is acknowledged, the pipeline stops,
     * or the time for retrying in place is spent. A record refused as too large is written trimmed, at once.
     */
    void rewrite(CamelContext camelContext, List<PollRequest> requests) throws InterruptedException {
        List<PollRequest> refused = new ArrayList<>();
        for (PollRequest request : requests) {
            if (request.exchange.getException() != null && request.outcomeEndpoint() != null) {
                refused.add(request);
            }
        }
        if (refused.isEmpty()) {
            return;
        }
        refused = writeTooLargeTrimmed(refused);
        long deadline = System.currentTimeMillis() + retryInPlaceMillis;
        long backoff = FIRST_BACKOFF_MILLIS;
        int round = 0;
        while (!refused.isEmpty()) {
            round++;
            PollRequest first = refused.get(0);
            LOG.warn("Kafka did not acknowledge {} outcome record(s) (first {}-{}@{}: {}); writing them again in {} ms "
                     + "(round {})", refused.size(), first.partition.topic(), first.partition.partition(), first.offset,
                    first.failure().getMessage(), backoff, round);
            if (!sleepUnlessStopping(camelContext, backoff, deadline)) {
                LOG.warn("{} outcome record(s) still not written ({}); their requests will be consumed again",
                        refused.size(), isStopping(camelContext) ? "the pipeline is stopping" : "retried in place for "
                                + retryInPlaceMillis + " ms");
                return;
            }
            refused = writeTooLargeTrimmed(writeAgain(refused));
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
        LOG.info("Every refused outcome record was written after {} round(s)", round);
    }

    /**
     * The records refused as too large, written trimmed at once: the same record can never be written. Returns the
     * requests whose record is still refused (the others, and a trimmed record refused again).
     */
    private List<PollRequest> writeTooLargeTrimmed(List<PollRequest> refused) {
        List<PollRequest> tooLarge = new ArrayList<>();
        List<PollRequest> stillRefused = new ArrayList<>();
        for (PollRequest request : refused) {
            if (request.trimmed == null && TrimmedOutcome.refusedAsTooLarge(request.failure())) {
                request.trimmed = TrimmedOutcome.of(request.exchange);
                LOG.warn("The outcome record of {}@{} was refused as too large ({}); writing it trimmed (dropped: {})",
                        request.partition, request.offset, request.failure().getMessage(),
                        request.trimmed.getMessage().getHeader(OutcomeHeaders.TRIMMED));
                tooLarge.add(request);
            } else {
                stillRefused.add(request);
            }
        }
        if (!tooLarge.isEmpty()) {
            stillRefused.addAll(writeAgain(tooLarge));
        }
        return stillRefused;
    }

    /** Sends each request's outcome record once more; returns the requests whose record Kafka refused again. */
    private List<PollRequest> writeAgain(List<PollRequest> refused) {
        List<CompletableFuture<Exchange>> attempts = new ArrayList<>(refused.size());
        for (PollRequest request : refused) {
            Exchange again = request.outcomeRecord().copy();
            again.setException(null);
            again.setRouteStop(false);
            attempts.add(rewriter.asyncSend(request.outcomeEndpoint(), again));
        }
        List<PollRequest> stillRefused = new ArrayList<>();
        for (int i = 0; i < refused.size(); i++) {
            PollRequest request = refused.get(i);
            Exchange attempt = attempts.get(i).join();
            if (attempt.getException() == null) {
                request.written = true;
            } else {
                request.lastFailure = attempt.getException();
                stillRefused.add(request);
            }
        }
        return stillRefused;
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
        ServiceStatus route = camelContext.getRouteController().getRouteStatus(PollDispatcher.CONSUMER_ROUTE_ID);
        return route != null && !route.isStarted();
    }
}
