package dev.camelbitrix24.simulator;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The leaky bucket of PROTOCOL.md §4.1, one per client address (the simulator is one portal): every request adds
 * one, the bucket drains {@code perSecond}, and a request that would overflow it is refused.
 */
final class RequestRateLimiter {

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile RatePlan plan;

    RequestRateLimiter(RatePlan plan) {
        this.plan = plan;
    }

    RatePlan plan() {
        return plan;
    }

    /** Switches plan and empties every bucket. */
    void reset(RatePlan newPlan) {
        plan = newPlan;
        buckets.clear();
    }

    /** True if the request may go ahead (and is counted); false if it must get 503 QUERY_LIMIT_EXCEEDED. */
    boolean tryAcquire(String clientAddress, long nowNanos) {
        RatePlan current = plan;
        if (!current.enabled()) {
            return true;
        }
        return buckets.computeIfAbsent(clientAddress, a -> new Bucket(nowNanos)).tryAdd(current, nowNanos);
    }

    private static final class Bucket {
        private double level;
        private long lastNanos;

        Bucket(long nowNanos) {
            lastNanos = nowNanos;
        }

        synchronized boolean tryAdd(RatePlan plan, long nowNanos) {
            double drained = (nowNanos - lastNanos) / 1e9 * plan.perSecond();
            level = Math.max(0, level - drained);
            lastNanos = nowNanos;
            if (level + 1 > plan.burst()) {
                // a refused request does not fill the bucket further, so waiting 1/perSecond is always enough
                return false;
            }
            level += 1;
            return true;
        }
    }
}
