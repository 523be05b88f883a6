package dev.camelbitrix24.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * The operating-time limit (PROTOCOL.md §4.2): time spent in each method, per webhook or app, is summed over ten
 * buckets of {@code bucketLength}; once the sum is over {@code limit} the next call answers 429 OPERATION_TIME_LIMIT.
 * Every call is charged {@code processingTimePerCall} of simulated time on top of its real time; calls shorter
 * than {@code minimumCounted} are not counted, as on the real server.
 */
public record OperatingTimeLimit(Duration limit, Duration bucketLength, Duration processingTimePerCall,
        Duration minimumCounted) {

    /** As on the cloud: 480 s over ten one-minute buckets, no simulated time, calls under 0.1 s not counted. */
    public static final OperatingTimeLimit DEFAULT =
            new OperatingTimeLimit(Duration.ofSeconds(480), Duration.ofSeconds(60), Duration.ZERO, Duration.ofMillis(100));

    public OperatingTimeLimit {
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(bucketLength, "bucketLength");
        Objects.requireNonNull(processingTimePerCall, "processingTimePerCall");
        Objects.requireNonNull(minimumCounted, "minimumCounted");
        if (bucketLength.toMillis() < 1 || limit.isNegative() || processingTimePerCall.isNegative()
                || minimumCounted.isNegative()) {
            throw new IllegalArgumentException("bucketLength must be >= 1 ms and no duration may be negative");
        }
    }

    public OperatingTimeLimit withLimit(Duration value) {
        return new OperatingTimeLimit(value, bucketLength, processingTimePerCall, minimumCounted);
    }

    public OperatingTimeLimit withBucketLength(Duration value) {
        return new OperatingTimeLimit(limit, value, processingTimePerCall, minimumCounted);
    }

    public OperatingTimeLimit withProcessingTimePerCall(Duration value) {
        return new OperatingTimeLimit(limit, bucketLength, value, minimumCounted);
    }

    public OperatingTimeLimit withMinimumCounted(Duration value) {
        return new OperatingTimeLimit(limit, bucketLength, processingTimePerCall, value);
    }

    /** The whole window: ten buckets. */
    public Duration window() {
        return bucketLength.multipliedBy(10);
    }
}
