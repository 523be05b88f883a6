package dev.camelbitrix24.simulator;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Draws durations uniformly from a range, reproducibly from a seed: one after another from a seeded sequence, or as
 * a fixed function of a key (the same key always gives the same duration). Thread-safe.
 */
final class DurationDraw {

    // an odd constant (from SplitMix64) that spreads neighbouring keys over the seed space
    private static final long KEY_SPREAD = 0x9E3779B97F4A7C15L;

    private final long seed;
    private SplittableRandom sequence;

    DurationDraw(long seed) {
        this.seed = seed;
        this.sequence = new SplittableRandom(seed);
    }

    /** Starts the sequence again, so that a run repeats exactly after a reset. */
    synchronized void restart() {
        sequence = new SplittableRandom(seed);
    }

    /** The next duration of the sequence in nanoseconds, in [min, max]; min itself when max is not above it. */
    long nextNanos(Duration min, Duration max) {
        if (max.compareTo(min) <= 0) {
            return min.toNanos();
        }
        double fraction;
        synchronized (this) {
            fraction = sequence.nextDouble();
        }
        return scale(min, max, fraction);
    }

    /** The duration for {@code key} in nanoseconds, in [min, max]: the same for the same seed and key. */
    long nanosFor(long key, Duration min, Duration max) {
        if (max.compareTo(min) <= 0) {
            return min.toNanos();
        }
        return scale(min, max, new SplittableRandom(seed ^ (key * KEY_SPREAD)).nextDouble());
    }

    private static long scale(Duration min, Duration max, double fraction) {
        long low = min.toNanos();
        return low + (long) (fraction * (max.toNanos() - low));
    }
}
