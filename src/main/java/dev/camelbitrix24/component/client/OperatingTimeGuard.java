package dev.camelbitrix24.component.client;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bitrix24's operating-time limit, seen from the client (Bitrix24 REST docs: "Limits"; the time each method ran,
 * summed over a 10-minute window), per method: spends the window's budget and stops just short of it, instead of
 * collecting {@code 429 OPERATION_TIME_LIMIT}.
 * <ul>
 * <li><b>What is used</b>: the latest {@code time.operating} and {@code operating_reset_at} of every reply and batch
 * command, plus an estimate for the deletes in flight: the average time a delete is charged (calls under 0.1 s count
 * nothing, as on the server), and twice the standard deviation of their sum, since deletes cost more or less.</li>
 * <li><b>The limit</b>: the configured one, or, when none is configured (or the portal refuses below it), learned at
 * the first 429: the highest {@code operating} any call was let through with (its own {@code operating} less its
 * {@code duration}). The portal let that much through and refused more, so the limit lies between; the lower bound
 * is kept, and raised by later replies that prove more was let through. A refusal with no more than the reserve used
 * teaches nothing: such a limit would stop the method for good.</li>
 * <li><b>Pacing</b>: a call goes out with as many deletes as the rest of the budget holds; when none fits, the method
 * waits until {@code operating_reset_at} (plus one second: it is rounded to the second), when the window's oldest
 * minute expires. The figures are then out of date, so one delete goes first to fetch new ones.</li>
 * <li><b>Shares</b>: when several processes call the method with the same credentials, the portal counts them together
 * and each sees the others' time in {@code time.operating}. Each then spends its {@linkplain #share share} of what the
 * window has left, less its own deletes in flight: as long as the shares add up to no more than one, what all of them
 * have in flight fits in the window together, and the window fills in ever smaller steps to the limit.</li>
 * </ul>
 * Shared by every endpoint calling one portal; thread-safe.
 */
public final class OperatingTimeGuard {

    /** Bitrix24 does not count calls that take less than this (seconds). */
    private static final double NOT_COUNTED_BELOW = 0.1;
    /** How much a new observation moves the estimate of a delete's cost (and of its spread). */
    private static final double COST_WEIGHT = 0.02;
    /** How many standard deviations of the deletes in flight are kept in hand: their sum is not known until they reply. */
    private static final double SPREAD_KEPT = 2;
    /** How often a method waiting for its first figures after a reset looks again (ms). */
    private static final long PROBE_POLL_MILLIS = 20;

    private final double configuredLimit;
    private final double reserve;
    private final Map<String, Budget> byMethod = new ConcurrentHashMap<>();
    /** The share of what a window has left this process may spend, 0 &lt; share &le; 1. */
    private volatile double share = 1;

    /**
     * @param limitMillis   the portal's limit per method and window; 0 to learn it from the portal's first 429
     * @param reserveMillis how much of the budget is left unspent, for deletes that cost more than the average
     */
    public OperatingTimeGuard(long limitMillis, long reserveMillis) {
        this.configuredLimit = limitMillis > 0 ? limitMillis / 1000.0 : Double.NaN;
        this.reserve = reserveMillis / 1000.0;
    }

    /**
     * Sets the share of each window's budget this process may spend, when others spend the rest with the same
     * credentials: 1 when it calls the portal alone.
     */
    public void share(double newShare) {
        if (!(newShare > 0 && newShare <= 1)) {
            throw new IllegalArgumentException("A share of the budget is more than 0 and at most 1, not " + newShare);
        }
        share = newShare;
    }

    /** The share of each window's budget this process spends. */
    public double share() {
        return share;
    }

    /** Records the figures of one reply or one batch command of {@code method}; a reply without them changes nothing. */
    public void record(String method, TimeFigures time) {
        if (time == null || time.operating() == null || time.operatingResetAt() == null) {
            return;
        }
        budget(method).record(time);
    }

    /**
     * A {@code 429 OPERATION_TIME_LIMIT}: the method is blocked until the window's oldest minute expires. Learns the
     * limit when none was known (or when the portal's is lower than the configured one).
     */
    public void onRefused(String method, long nowEpochMillis, long fallbackWaitMillis) {
        budget(method).onRefused(nowEpochMillis, fallbackWaitMillis);
    }

    /**
     * How many milliseconds {@code method} must wait before its next call, 0 when at least one delete may go now.
     */
    public long pauseMillis(String method, long nowEpochMillis) {
        return budget(method).pauseMillis(nowEpochMillis);
    }

    /** How many of {@code wanted} deletes of {@code method} the budget holds now (0 when the method must wait). */
    public int fits(String method, int wanted, long nowEpochMillis) {
        return budget(method).fits(wanted, nowEpochMillis);
    }

    /** A call with {@code count} deletes of {@code method} goes out: they are in flight until {@link #settled}. */
    public void sent(String method, int count) {
        budget(method).sent(count);
    }

    /** A call with {@code count} deletes sent with {@link #sent} was answered, or failed: no longer in flight. */
    public void settled(String method, int count) {
        budget(method).settled(count);
    }

    /** When the method's window next frees time ({@code operating_reset_at}, unix seconds), or null when unknown. */
    public Long resetAt(String method) {
        return budget(method).resetAt();
    }

    /** What the guard knows of {@code method} now, for health details and metrics. */
    public Snapshot snapshot(String method) {
        return budget(method).snapshot();
    }

    /**
     * @param limitSeconds     the limit in force (NaN until learned)
     * @param operatingSeconds the latest {@code time.operating} (NaN before the first reply)
     * @param blockedUntil     epoch millis until which the method waits, 0 when it does not
     */
    public record Snapshot(double limitSeconds, double operatingSeconds, long blockedUntil, boolean learned) {
    }

    private Budget budget(String method) {
        return byMethod.computeIfAbsent(method.toLowerCase(Locale.ROOT), k -> new Budget());
    }

    /** One method's figures. */
    private final class Budget {
        private double limit = configuredLimit;
        private boolean learned;
        private double operating = Double.NaN;
        private long resetAtSeconds;
        /** The highest sum a call was let through with: a lower bound of the limit. */
        private double provenAllowed = Double.NaN;
        private double cost = Double.NaN;
        private double costVariance;
        private int inFlight;
        private long blockedUntil;
        private boolean blockedByGuess;

        synchronized void record(TimeFigures time) {
            double charged = time.duration() != null && time.duration() >= NOT_COUNTED_BELOW ? time.duration() : 0;
            if (Double.isNaN(cost)) {
                cost = charged;
            } else {
                double deviation = charged - cost;
                cost += COST_WEIGHT * deviation;
                costVariance = (1 - COST_WEIGHT) * (costVariance + COST_WEIGHT * deviation * deviation);
            }
            double before = time.operating() - charged;
            if (before >= 0 && !(before <= provenAllowed)) {
                provenAllowed = before;
                if (learned && provenAllowed > limit) {
                    // replies of calls made together come back in any order: a 429 may arrive before the replies
                    // that prove the portal let more through
                    limit = provenAllowed;
                }
            }
            // replies come back out of order: a later reset time is a later state of the window, so it wins
            if (time.operatingResetAt() > resetAtSeconds) {
                resetAtSeconds = time.operatingResetAt();
                operating = time.operating();
                if (blockedByGuess && blockedUntil > resetAtSeconds * 1000 + 1000) {
                    // a 429 came before any figure said when the window frees time; now one has
                    blockedUntil = resetAtSeconds * 1000 + 1000;
                }
                blockedByGuess = false;
            } else if (time.operatingResetAt() == resetAtSeconds && !(time.operating() <= operating)) {
                operating = time.operating();
            }
        }

        synchronized void onRefused(long now, long fallbackWaitMillis) {
            // a limit no larger than the reserve would leave the method no room at all, for good: a refusal with next
            // to nothing used says the method is blocked, not how large its budget is, so nothing is learned from it
            if (!learned && !Double.isNaN(provenAllowed) && provenAllowed > reserve && !(limit <= provenAllowed)) {
                limit = provenAllowed;
                learned = true;
            }
            boolean known = resetAtSeconds * 1000 + 1000 > now;
            long until = known ? resetAtSeconds * 1000 + 1000 : now + fallbackWaitMillis;
            if (until > blockedUntil) {
                blockedUntil = until;
                blockedByGuess = !known;
            }
        }

        synchronized long pauseMillis(long now) {
            if (blockedUntil > now) {
                return blockedUntil - now;
            }
            if (!paced()) {
                return 0;
            }
            if (stale(now)) {
                // one delete fetches the figures after the reset; the rest wait for them
                return inFlight > 0 ? PROBE_POLL_MILLIS : 0;
            }
            if (room() < cost) {
                if (inFlight > 0) {
                    // the deletes in flight were counted at the average: their replies say what they really cost
                    return PROBE_POLL_MILLIS;
                }
                // nothing more fits until the oldest minute of the window expires
                blockedUntil = resetAtSeconds * 1000 + 1000;
                return blockedUntil - now;
            }
            return 0;
        }

        synchronized int fits(int wanted, long now) {
            if (pauseMillis(now) > 0) {
                return 0;
            }
            if (!paced()) {
                return wanted;
            }
            if (stale(now)) {
                return Math.min(wanted, 1);
            }
            // the call's own deletes add to the spread of what is in flight. room() has already taken off the spread
            // of those in flight, so it is counted twice here: on purpose, measured: counted once, the operating-ceiling
            // benchmark ended a window after the learning one with 33 commands refused with 429
            double spread = SPREAD_KEPT * Math.sqrt(costVariance * (inFlight + wanted));
            return (int) Math.max(0, Math.min(wanted, Math.floor((room() - spread) / cost)));
        }

        synchronized void sent(int count) {
            inFlight += count;
        }

        synchronized void settled(int count) {
            inFlight = Math.max(0, inFlight - count);
        }

        synchronized Long resetAt() {
            return resetAtSeconds == 0 ? null : resetAtSeconds;
        }

        synchronized Snapshot snapshot() {
            return new Snapshot(limit, operating, blockedUntil, learned);
        }

        /** Pacing needs a limit, a figure to start from and deletes that cost something. */
        private boolean paced() {
            return !Double.isNaN(limit) && !Double.isNaN(operating) && cost > 0;
        }

        /** The window's oldest minute has expired since the latest figures: they overstate what is used. */
        private boolean stale(long now) {
            return resetAtSeconds * 1000 <= now;
        }

        /** This process's share of the budget left, less its deletes in flight at their average cost and their spread. */
        private double room() {
            return share * (limit - reserve - operating) - inFlight * cost - SPREAD_KEPT * Math.sqrt(costVariance * inFlight);
        }
    }
}
