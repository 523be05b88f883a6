package dev.camelbitrix24.simulator;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sums the operating time of each (method, webhook or app) over ten buckets (PROTOCOL.md §4.2) and says when a
 * method is blocked. Thread-safe; the bucket length comes from the current {@link OperatingTimeLimit}.
 */
final class OperatingTimeLedger {

    private static final int BUCKETS = 10;

    /** What the {@code time} object reports: seconds used in the window, and when the oldest used bucket expires. */
    record Status(double operating, long resetAt) {
    }

    private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();
    private volatile OperatingTimeLimit limit;

    OperatingTimeLedger(OperatingTimeLimit limit) {
        this.limit = limit;
    }

    OperatingTimeLimit limit() {
        return limit;
    }

    /** Changes the limit; the sums are forgotten because buckets of another length cannot be carried over. */
    void reset(OperatingTimeLimit newLimit) {
        limit = newLimit;
        accounts.clear();
    }

    /** True when the method's sum is already over the limit: the next call must be refused before it runs. */
    boolean blocked(String key, long nowMillis) {
        Account account = accounts.get(key);
        return account != null && account.sum(nowMillis, limit.bucketLength().toMillis()) > seconds(limit.limit());
    }

    /** Adds a call's time (if it is long enough to count) and returns the status after it. */
    Status charge(String key, double seconds, long nowMillis) {
        OperatingTimeLimit current = limit;
        long bucketMillis = current.bucketLength().toMillis();
        if (seconds < seconds(current.minimumCounted()) || seconds <= 0) {
            return status(key, nowMillis);
        }
        Account account = accounts.computeIfAbsent(key, k -> new Account());
        return account.add(seconds, nowMillis, bucketMillis);
    }

    Status status(String key, long nowMillis) {
        long bucketMillis = limit.bucketLength().toMillis();
        Account account = accounts.get(key);
        if (account == null) {
            return new Status(0.0, ceilSeconds(nowMillis + bucketMillis * BUCKETS));
        }
        return account.status(nowMillis, bucketMillis);
    }

    private static double seconds(java.time.Duration d) {
        return d.toNanos() / 1e9;
    }

    private static long ceilSeconds(long millis) {
        return (millis + 999) / 1000;
    }

    /** One method's ten buckets for one caller. */
    private static final class Account {
        private final long[] bucketNumbers = new long[BUCKETS];
        private final double[] bucketSeconds = new double[BUCKETS];

        Account() {
            Arrays.fill(bucketNumbers, Long.MIN_VALUE);
        }

        synchronized double sum(long nowMillis, long bucketMillis) {
            long current = nowMillis / bucketMillis;
            double sum = 0;
            for (int i = 0; i < BUCKETS; i++) {
                if (bucketNumbers[i] > current - BUCKETS) {
                    sum += bucketSeconds[i];
                }
            }
            return sum;
        }

        synchronized Status add(double seconds, long nowMillis, long bucketMillis) {
            long current = nowMillis / bucketMillis;
            int slot = (int) Math.floorMod(current, (long) BUCKETS);
            if (bucketNumbers[slot] != current) {
                bucketNumbers[slot] = current;
                bucketSeconds[slot] = 0;
            }
            bucketSeconds[slot] += seconds;
            return status(nowMillis, bucketMillis);
        }

        synchronized Status status(long nowMillis, long bucketMillis) {
            long current = nowMillis / bucketMillis;
            double sum = 0;
            long oldest = Long.MAX_VALUE;
            for (int i = 0; i < BUCKETS; i++) {
                if (bucketNumbers[i] > current - BUCKETS && bucketSeconds[i] > 0) {
                    sum += bucketSeconds[i];
                    oldest = Math.min(oldest, bucketNumbers[i]);
                }
            }
            long resetAtMillis = oldest == Long.MAX_VALUE ? nowMillis + bucketMillis * BUCKETS
                    : (oldest + BUCKETS) * bucketMillis;
            return new Status(sum, ceilSeconds(resetAtMillis));
        }
    }
}
