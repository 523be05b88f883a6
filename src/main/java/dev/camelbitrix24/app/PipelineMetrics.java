package dev.camelbitrix24.app;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.component.Bitrix24CallListener;
import dev.camelbitrix24.component.Bitrix24ErrorType;
import dev.camelbitrix24.component.Bitrix24PortalWait;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * The pipeline's own Micrometer meters, next to Camel's: outcomes by type and their latency (from Camel's events),
 * HTTP replies by status, retries by cause, batch sizes and the time requests wait for the portal's request pacer
 * (from the bitrix24 component, as its {@link Bitrix24CallListener}).
 * They go to the registry camel-micrometer binds as {@code metricsRegistry}, scraped at {@code /observe/metrics};
 * without one (metrics off) nothing is recorded. Tags hold only bounded values: types and HTTP statuses.
 */
public class PipelineMetrics extends EventNotifierSupport implements Bitrix24CallListener {

    /** The name camel-micrometer binds its MeterRegistry under. */
    static final String METER_REGISTRY = "metricsRegistry";

    static final String OUTCOMES = "bitrix24.outcomes";
    static final String OUTCOME_LATENCY = "bitrix24.outcome.latency";
    static final String HTTP_REPLIES = "bitrix24.http.replies";
    static final String RETRIES = "bitrix24.retries";
    static final String BATCH_SIZE = "bitrix24.batch.size";
    static final String RATE_LIMITER_WAIT = "bitrix24.ratelimiter.wait";
    static final String PAUSED = "bitrix24.paused";
    static final String OPERATING_TIME_USED = "bitrix24.operating.time.used";
    static final String OPERATING_TIME_LIMIT = "bitrix24.operating.time.limit";
    static final String PLAN_SHARE = "bitrix24.plan.share";

    /** Latency buckets a dashboard can draw a distribution from without hundreds of series per outcome. */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(60), Duration.ofSeconds(120)};

    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> replies = new ConcurrentHashMap<>();
    private final Map<Bitrix24ErrorType, Counter> retries = new ConcurrentHashMap<>();
    private volatile DistributionSummary batchSizes;
    private volatile Timer rateLimiterWaits;
    private volatile MeterRegistry registry;
    private volatile double operatingUsed = Double.NaN;
    private volatile double operatingLimit = Double.NaN;

    public PipelineMetrics() {
        OutcomeWritten.listenForOutcomes(this);
    }

    @Override
    public void notify(CamelEvent event) {
        OutcomeWritten written = OutcomeWritten.from(event);
        MeterRegistry meters = registry();
        if (written == null || meters == null) {
            return;
        }
        outcomes.computeIfAbsent(written.outcome(), outcome -> outcomeCounter(meters, outcome)).increment();
        latencies.computeIfAbsent(written.outcome(), outcome -> Timer.builder(OUTCOME_LATENCY)
                        .description("From consuming a request to Kafka acknowledging its outcome record")
                        .tag("outcome", outcome).serviceLevelObjectives(LATENCY_BUCKETS).register(meters))
                .record(written.latencyMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onReply(int httpStatus) {
        MeterRegistry meters = registry();
        if (meters != null) {
            replies.computeIfAbsent(httpStatus, status -> replyCounter(meters, status)).increment();
        }
    }

    @Override
    public void onRetry(Bitrix24ErrorType cause, long delayMillis) {
        MeterRegistry meters = registry();
        if (meters != null) {
            retries.computeIfAbsent(cause, type -> retryCounter(meters, type)).increment();
        }
    }

    @Override
    public void onBatch(int size) {
        if (registry() != null) {
            batchSizes.record(size);
        }
    }

    @Override
    public void onOperatingTime(String method, double usedSeconds, double limitSeconds) {
        operatingUsed = usedSeconds;
        operatingLimit = limitSeconds;
    }

    @Override
    public void onRateLimiterWait(long waitedMillis) {
        if (registry() != null) {
            rateLimiterWaits.record(waitedMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The registry, looked up on first use (camel-micrometer binds it while Camel Main configures the context, which
     * may be after this bean was made). The series a dashboard needs from the start are registered at zero then.
     */
    private MeterRegistry registry() {
        MeterRegistry found = registry;
        if (found == null && getCamelContext() != null) {
            found = getCamelContext().getRegistry().lookupByNameAndType(METER_REGISTRY, MeterRegistry.class);
            if (found != null) {
                registerAtZero(found);
                batchSizes = DistributionSummary.builder(BATCH_SIZE)
                        .description("Deletes per batch call sent to Bitrix24").serviceLevelObjectives(1, 5, 10, 25, 49, 50)
                        .register(found);
                PortalWaitPause pause = getCamelContext().getRegistry().findSingleByType(PortalWaitPause.class);
                if (pause != null) {
                    for (Bitrix24PortalWait.Reason reason : Bitrix24PortalWait.Reason.values()) {
                        FunctionCounter.builder(PAUSED, pause, p -> p.pausedSeconds(reason)).baseUnit("seconds")
                                .description("Time the pipeline took no requests because the portal waits, by reason")
                                .tag("reason", reason.name()).register(found);
                    }
                }
                PlanShare planShare = getCamelContext().getRegistry().findSingleByType(PlanShare.class);
                if (planShare != null) {
                    Gauge.builder(PLAN_SHARE, planShare, PlanShare::current)
                            .description("The share of the portal's plan this instance uses: the share of the request "
                                         + "partitions it owns (NaN before its first assignment)")
                            .register(found);
                }
                Gauge.builder(OPERATING_TIME_USED, this, m -> m.operatingUsed).baseUnit("seconds")
                        .description("Operating time crm.activity.delete has used in the portal's current window")
                        .register(found);
                Gauge.builder(OPERATING_TIME_LIMIT, this, m -> m.operatingLimit).baseUnit("seconds")
                        .description("The operating-time limit per window the component keeps below (NaN until learned)")
                        .register(found);
                rateLimiterWaits = Timer.builder(RATE_LIMITER_WAIT)
                        .description("Time a request waited for the portal's request bucket before it was sent (0 when it did not)")
                        .serviceLevelObjectives(LATENCY_BUCKETS).register(found);
                registry = found;
            }
        }
        return found;
    }

    private void registerAtZero(MeterRegistry meters) {
        outcomes.computeIfAbsent(OutcomeHeaders.DELETED, outcome -> outcomeCounter(meters, outcome));
        for (Bitrix24ErrorType type : Bitrix24ErrorType.values()) {
            outcomes.computeIfAbsent(type.name(), outcome -> outcomeCounter(meters, outcome));
            if (type.retriable()) {
                retries.computeIfAbsent(type, cause -> retryCounter(meters, cause));
            }
        }
        outcomes.computeIfAbsent(OutcomeHeaders.PIPELINE_ERROR, outcome -> outcomeCounter(meters, outcome));
        for (int status : List.of(429, 503)) {
            replies.computeIfAbsent(status, s -> replyCounter(meters, s));
        }
    }

    private static Counter outcomeCounter(MeterRegistry meters, String outcome) {
        return Counter.builder(OUTCOMES).description("Outcome records written, by bitrix24.outcome")
                .tag("outcome", outcome).register(meters);
    }

    private static Counter replyCounter(MeterRegistry meters, int status) {
        return Counter.builder(HTTP_REPLIES)
                .description("HTTP replies from Bitrix24 by status (503: request rate limit, 429: operating-time limit)")
                .tag("status", String.valueOf(status)).register(meters);
    }

    private static Counter retryCounter(MeterRegistry meters, Bitrix24ErrorType cause) {
        return Counter.builder(RETRIES).description("Attempts the bitrix24 component sent again, by the failure before")
                .tag("cause", cause.name()).register(meters);
    }
}
