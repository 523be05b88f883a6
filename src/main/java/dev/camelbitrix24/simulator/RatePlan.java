package dev.camelbitrix24.simulator;

import java.util.Locale;

/**
 * The request-rate limit a simulated portal enforces: a leaky bucket of {@code burst} requests draining
 * {@code perSecond} requests per second, per client address (PROTOCOL.md §4.1), or none at all.
 */
public final class RatePlan {

    /** Bitrix24 standard plans: bucket 50, drains 2 requests per second. */
    public static final RatePlan STANDARD = new RatePlan("standard", 50, 2.0, true);
    /** Bitrix24 Enterprise: bucket 250, drains 5 requests per second. */
    public static final RatePlan ENTERPRISE = new RatePlan("enterprise", 250, 5.0, true);
    /** No request-rate limit (for load tests). */
    public static final RatePlan OFF = new RatePlan("off", 0, 0.0, false);

    private final String name;
    private final int burst;
    private final double perSecond;
    private final boolean enabled;

    private RatePlan(String name, int burst, double perSecond, boolean enabled) {
        this.name = name;
        this.burst = burst;
        this.perSecond = perSecond;
        this.enabled = enabled;
    }

    /** A plan with any bucket size and drain rate, e.g. {@code custom(5, 10)} to hit the limit quickly in a test. */
    public static RatePlan custom(int burst, double perSecond) {
        if (burst < 1 || !(perSecond > 0)) {
            throw new IllegalArgumentException("burst must be >= 1 and perSecond > 0");
        }
        return new RatePlan("custom", burst, perSecond, true);
    }

    /** Reads {@code standard}, {@code enterprise} or {@code off} (case-insensitive), as in BITRIX24_SIMULATOR_RATE_PLAN. */
    public static RatePlan parse(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "standard":
                return STANDARD;
            case "enterprise":
                return ENTERPRISE;
            case "off":
            case "none":
                return OFF;
            default:
                throw new IllegalArgumentException("unknown rate plan '" + text + "': use standard, enterprise or off");
        }
    }

    public String name() {
        return name;
    }

    public int burst() {
        return burst;
    }

    public double perSecond() {
        return perSecond;
    }

    public boolean enabled() {
        return enabled;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RatePlan && ((RatePlan) o).name.equals(name) && ((RatePlan) o).burst == burst
                && ((RatePlan) o).perSecond == perSecond && ((RatePlan) o).enabled == enabled;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + burst;
    }

    @Override
    public String toString() {
        return enabled ? name + "(burst " + burst + ", " + perSecond + "/s)" : name;
    }
}
