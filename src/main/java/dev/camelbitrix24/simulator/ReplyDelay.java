package dev.camelbitrix24.simulator;

/** Draws how long each REST reply is held back from the current {@link ReplyLatency} and a seeded random. Thread-safe. */
final class ReplyDelay {

    private final DurationDraw draw;
    private volatile ReplyLatency latency;

    ReplyDelay(long seed, ReplyLatency latency) {
        this.draw = new DurationDraw(seed);
        this.latency = latency;
    }

    ReplyLatency latency() {
        return latency;
    }

    void set(ReplyLatency value) {
        latency = value;
    }

    /** Back to {@code value} with the draws starting again, so that a run repeats exactly after a reset. */
    void reset(ReplyLatency value) {
        latency = value;
        draw.restart();
    }

    /** The latency of the next reply in nanoseconds; 0 when there is none. */
    long nextNanos() {
        ReplyLatency current = latency;
        return draw.nextNanos(current.min(), current.max());
    }
}
