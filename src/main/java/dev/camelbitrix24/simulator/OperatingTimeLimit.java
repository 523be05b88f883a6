package dev.camelbitrix24.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * The operating-time limit (PROTOCOL.md §4.2): time spent in each method, per webhook or app, is summed over ten
 * buckets of {@code bucketLength}; once the sum is over {@code limit} the next call answers 429 OPERATION_TIME_LIMIT.
 * Every call is charged its real time plus a simulated {@link ProcessingTime}; calls shorter than
 * {@code minimumCounted} are not counted, as on the real server.
 */
public record OperatingTimeLimit(Duration limit, Duration bucketLength, ProcessingTime processingTime,
        Duration minimumCounted) {

    /** As on the cloud: 480 s over ten one-minute buckets, no simulated time, calls under 0.1 s not counted. */
    public static final OperatingTimeLimit DEFAULT = new OperatingTimeLimit(Duration.ofSeconds(480),
            Duration.ofSeconds(60), ProcessingTime.NONE, Duration.ofMillis(100));

    public OperatingTimeLimit {
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(bucketLength, "bucketLength");
        Objects.requireNonNull(processingTime, "processingTime");
        Objects.requireNonNull(minimumCounted, "minimumCounted");
        if (bucketLength.toMillis() < 1 || limit.isNegative() || minimumCounted.isNegative()) {
            throw new IllegalArgumentException("bucketLength must be >= 1 ms and no duration may be negative");
        }
    }

    /** A limit whose calls each cost a fixed {@code processingTimePerCall} of simulated time. */
    public OperatingTimeLimit(Duration limit, Duration bucketLength, Duration processingTimePerCall,
            Duration minimumCounted) {
        this(limit, bucketLength, ProcessingTime.fixed(processingTimePerCall), minimumCounted);
    }

    public OperatingTimeLimit withLimit(Duration value) {
        return new OperatingTimeLimit(value, bucketLength, processingTime, minimumCounted);
    }

    public OperatingTimeLimit withBucketLength(Duration value) {
        return new OperatingTimeLimit(limit, value, processingTime, minimumCounted);
    }

    /** Every call costs {@code value} of simulated time (the per-activity and hold flags are kept). */
    public OperatingTimeLimit withProcessingTimePerCall(Duration value) {
        return withProcessingTime(processingTime.withRange(value, value));
    }

    /** Each call costs a simulated time drawn uniformly from [min, max] (the flags are kept). */
    public OperatingTimeLimit withProcessingTime(Duration min, Duration max) {
        return withProcessingTime(processingTime.withRange(min, max));
    }

    /** The simulated time calls are charged, with its flags. */
    public OperatingTimeLimit withProcessingTime(ProcessingTime value) {
        return new OperatingTimeLimit(limit, bucketLength, value, minimumCounted);
    }

    /** With {@code true}, an activity's simulated time depends only on the seed and its id. */
    public OperatingTimeLimit withProcessingPerActivity(boolean value) {
        return withProcessingTime(processingTime.withPerActivity(value));
    }

    /** With {@code true}, each reply is held back for the simulated time its calls were charged. */
    public OperatingTimeLimit withHoldForProcessing(boolean value) {
        return withProcessingTime(processingTime.withHoldReply(value));
    }

    public OperatingTimeLimit withMinimumCounted(Duration value) {
        return new OperatingTimeLimit(limit, bucketLength, processingTime, value);
    }

    /** The shortest simulated time a call is charged; all of it when the processing time is fixed. */
    public Duration processingTimePerCall() {
        return processingTime.min();
    }

    /** The whole window: ten buckets. */
    public Duration window() {
        return bucketLength.multipliedBy(10);
    }
}
