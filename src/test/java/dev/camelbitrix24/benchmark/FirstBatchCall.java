package dev.camelbitrix24.benchmark;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.camelbitrix24.simulator.Bitrix24Simulator;

/**
 * When a simulator saw its first {@code batch} call, to within the 5 ms its batch call count is polled at from a
 * thread of this class's own: the start of a drain, leaving out the client's start-up (a JVM's group join, node's module load).
 */
final class FirstBatchCall implements AutoCloseable {

    private static final long POLL_MILLIS = 5;

    private final CountDownLatch seen = new CountDownLatch(1);
    private final Thread poller;
    private volatile long atMillis = -1;

    private FirstBatchCall(Bitrix24Simulator sim, String method) {
        poller = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                if (sim.control().callCount(method) > 0) {
                    atMillis = System.currentTimeMillis();
                    seen.countDown();
                    return;
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "benchmark-first-batch-call");
        poller.setDaemon(true);
        poller.start();
    }

    /** Starts watching; start it before the client so that its first call cannot be missed. */
    static FirstBatchCall watch(Bitrix24Simulator sim) {
        return new FirstBatchCall(sim, "batch");
    }

    /** The same for the first call of another method (a drain by filter starts with a list call). */
    static FirstBatchCall watch(Bitrix24Simulator sim, String method) {
        return new FirstBatchCall(sim, method);
    }

    /** The epoch millis of the first batch call, waiting for it at most {@code atMost}; -1 when none came. */
    long await(Duration atMost) throws InterruptedException {
        seen.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
        return atMillis;
    }

    /** The epoch millis of the first batch call so far, or -1. */
    long atMillis() {
        return atMillis;
    }

    @Override
    public void close() {
        poller.interrupt();
    }
}
