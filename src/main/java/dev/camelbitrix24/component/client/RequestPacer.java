package dev.camelbitrix24.component.client;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * The client side of Bitrix24's request-rate limit (Bitrix24 REST docs: "Limits"; 2 requests a second after a burst
 * of 50 on standard plans): a leaky bucket of {@code burst} requests draining {@code perSecond}, the whole burst
 * first, then kept behind the portal's by what may still be on its way, so that no request is refused. Adaptive like
 * the official JS SDK: a 503 fills the bucket (nothing more goes out until it drains); five 503s within a minute
 * lower rate and burst by 20 %; 20 successes in a row raise them by 10 %, up to the plan. When several processes
 * call the portal with one bucket, each paces at its {@linkplain #share share} of the plan: burst and rate are the
 * plan's times the share, so that together they stay within the portal's bucket. Thread-safe.
 */
public final class RequestPacer {

    private static final double SLOW_DOWN = 0.8;
    private static final double SPEED_UP = 1.1;
    private static final int REFUSALS_TO_SLOW_DOWN = 5;
    private static final long REFUSAL_WINDOW_NANOS = 60_000_000_000L;
    private static final int SUCCESSES_TO_SPEED_UP = 20;
    /** Never slower than this share of the plan: two or three clients on one portal still each get a turn. */
    private static final double FLOOR = 0.1;

    private final String plan;
    private final double planBurst;
    private final double planRate;
    private double burst;
    private double rate;
    /** The share of the plan this process may use, 0 &lt; share &le; 1; burst and rate are kept at the plan's times it. */
    private double share = 1;
    private double level;
    private long lastNanos;
    private int successes;
    private final Deque<Long> refusals = new ArrayDeque<>();

    /**
     * The requests kept in reserve below the portal's bucket. A request is counted here when it is let go and by the
     * portal when it arrives. While both buckets hold something the delay changes nothing: the portal counts the same
     * requests, later, and drains them as long. Only while the portal's bucket stands empty waiting for a request still
     * on its way does it drain less than ours, so it can be fuller than ours by the drain rate times the time a request
     * spends on its way, which is shorter than its round trip. The reserve is therefore the drain rate times the
     * longest recent round trip, never more than two requests, and at least a tenth of one for the round trips not yet
     * seen. None before the first reply: the first burst arrives at a bucket it alone fills. (The reserve is spent once
     * per backlog, not per request: a margin of m costs m / rate seconds at the end of a drain.)
     */
    private static final double MAX_MARGIN = 2;
    private static final double MIN_MARGIN = 0.1;
    private boolean replied;
    /** How fast the longest round trip seen is forgotten, per reply. */
    private static final double ROUND_TRIP_DECAY = 0.95;
    private double roundTripSeconds;

    private RequestPacer(String plan, double burst, double perSecond, long nowNanos) {
        this.plan = plan;
        this.planBurst = burst;
        this.planRate = perSecond;
        this.burst = planBurst;
        this.rate = perSecond;
        this.lastNanos = nowNanos;
    }

    /**
     * Reads a rate plan: {@code standard} (50 requests, 2 per second), {@code enterprise} (250, 5), {@code off} (no
     * pacing: null), or explicit figures {@code BURST/PER_SECOND} such as {@code 50/2} or {@code 10/0.5}.
     */
    public static RequestPacer forPlan(String ratePlan, long nowNanos) {
        String p = ratePlan == null ? "standard" : ratePlan.trim().toLowerCase(Locale.ROOT);
        switch (p) {
            case "", "standard":
                return new RequestPacer("standard", 50, 2, nowNanos);
            case "enterprise":
                return new RequestPacer("enterprise", 250, 5, nowNanos);
            case "off", "none":
                return null;
            default:
                int slash = p.indexOf('/');
                try {
                    if (slash > 0) {
                        double burst = Double.parseDouble(p.substring(0, slash).trim());
                        double rate = Double.parseDouble(p.substring(slash + 1).trim());
                        if (burst >= 1 && rate > 0 && Double.isFinite(burst) && Double.isFinite(rate)) {
                            return new RequestPacer(p, burst, rate, nowNanos);
                        }
                    }
                } catch (NumberFormatException e) {
                    // reported below, with what is accepted
                }
                throw new IllegalArgumentException("ratePlan '" + ratePlan + "' is not standard, enterprise, off or "
                                                   + "BURST/PER_SECOND (e.g. 50/2)");
        }
    }

    /** Validates a rate plan without keeping it (for the endpoint's checks at creation). */
    public static void check(String ratePlan) {
        forPlan(ratePlan, 0);
    }

    /** Takes one request from the bucket and returns 0, or returns how many milliseconds to wait before asking again. */
    public synchronized long reserve(long nowNanos) {
        drain(nowNanos);
        double room = Math.max(1, burst - margin());
        if (level + 1 <= room) {
            level += 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((level + 1 - room) / rate * 1000));
    }

    /** A 503 QUERY_LIMIT_EXCEEDED: the portal's bucket is full, whoever filled it (another process counts too). */
    public synchronized void onRateLimited(long nowNanos) {
        drain(nowNanos);
        level = Math.max(level, burst);
        successes = 0;
        refusals.addLast(nowNanos);
        while (!refusals.isEmpty() && nowNanos - refusals.peekFirst() > REFUSAL_WINDOW_NANOS) {
            refusals.removeFirst();
        }
        if (refusals.size() >= REFUSALS_TO_SLOW_DOWN) {
            rate = Math.max(planRate * share * FLOOR, rate * SLOW_DOWN);
            burst = Math.max(Math.max(1, planBurst * share * FLOOR), burst * SLOW_DOWN);
            level = Math.min(level, burst);
            refusals.clear();
        }
    }

    /** A request the portal accepted, {@code roundTripNanos} after it was let go. */
    public synchronized void onAccepted(long roundTripNanos) {
        roundTripSeconds = Math.max(roundTripNanos / 1e9, roundTripSeconds * ROUND_TRIP_DECAY);
        replied = true;
        if (++successes >= SUCCESSES_TO_SPEED_UP) {
            successes = 0;
            rate = Math.min(planRate * share, rate * SPEED_UP);
            burst = Math.min(shareOfBurst(share), burst * SPEED_UP);
        }
    }

    /**
     * Sets the share of the plan this process may use: burst and rate become the plan's times {@code newShare}, less
     * what 503s took off (in the same proportion). What is in the bucket stays: requests already let go still count. A
     * larger share is taken over from another process (one that stopped, or died), whose part of the portal's bucket
     * may be full: it is counted full, and drains at the new rate before this one sends into it.
     */
    public synchronized void share(double newShare, long nowNanos) {
        if (!(newShare > 0 && newShare <= 1)) {
            throw new IllegalArgumentException("A share of the plan is more than 0 and at most 1, not " + newShare);
        }
        drain(nowNanos);
        double before = burst;
        rate = rate / share * newShare;
        burst = Math.max(1, burst / shareOfBurst(share) * shareOfBurst(newShare));
        if (burst > before && replied) {
            level += burst - before;
        }
        share = newShare;
    }

    /** The plan's burst times a share, at least one request (a share too small for one would never send). */
    private double shareOfBurst(double s) {
        return Math.max(1, planBurst * s);
    }

    /** The share of the plan this process uses. */
    public synchronized double share() {
        return share;
    }

    private double margin() {
        return replied ? Math.min(MAX_MARGIN, Math.max(MIN_MARGIN, rate * roundTripSeconds)) : 0;
    }

    private void drain(long nowNanos) {
        if (nowNanos > lastNanos) {
            level = Math.max(0, level - (nowNanos - lastNanos) / 1e9 * rate);
            lastNanos = nowNanos;
        }
    }

    /** The current drain rate, requests per second (lower than the plan's after repeated 503s). */
    public synchronized double currentRate() {
        return rate;
    }

    /** The current bucket size. */
    public synchronized double currentBurst() {
        return burst;
    }

    @Override
    public synchronized String toString() {
        return "RequestPacer[" + plan + (share < 1 ? " x " + share : "") + ", burst " + burst + ", " + rate + "/s]";
    }
}
