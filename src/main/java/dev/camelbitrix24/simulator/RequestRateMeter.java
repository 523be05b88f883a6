package dev.camelbitrix24.simulator;

import java.util.ArrayDeque;

/** The highest number of requests seen within any one-second sliding window. */
final class RequestRateMeter {

    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final ArrayDeque<Long> arrivals = new ArrayDeque<>();
    private long max;

    synchronized void record(long nowNanos) {
        arrivals.addLast(nowNanos);
        while (nowNanos - arrivals.peekFirst() >= WINDOW_NANOS) {
            arrivals.removeFirst();
        }
        max = Math.max(max, arrivals.size());
    }

    synchronized long max() {
        return max;
    }

    synchronized void reset() {
        arrivals.clear();
        max = 0;
    }
}
