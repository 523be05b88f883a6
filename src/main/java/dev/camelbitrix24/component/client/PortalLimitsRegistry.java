package dev.camelbitrix24.component.client;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link PortalLimits} per portal ({@link Bitrix24Urls#origin}: scheme, host and port, the default port spelled
 * out), shared by every endpoint of a component, so that all routes calling one portal draw from one bucket. The first endpoint to call a portal sets its rate plan and
 * limits; {@link #share} sets the part of every portal's plan this process may use.
 */
public final class PortalLimitsRegistry {

    private final Map<String, PortalLimits> byPortal = new ConcurrentHashMap<>();
    private double share = 1;

    public synchronized PortalLimits forPortal(URI methodUrl, String ratePlan, long operatingTimeLimit,
                                               long operatingTimeReserve) {
        return byPortal.computeIfAbsent(Bitrix24Urls.origin(methodUrl), k -> {
            PortalLimits limits = new PortalLimits(RequestPacer.forPlan(ratePlan, System.nanoTime()),
                    new OperatingTimeGuard(operatingTimeLimit, operatingTimeReserve), new PortalWaits());
            limits.share(share, System.nanoTime());
            return limits;
        });
    }

    /** Sets the share of every portal's plan this process may use, for the portals called so far and those to come. */
    public synchronized void share(double newShare) {
        if (!(newShare > 0 && newShare <= 1)) {
            throw new IllegalArgumentException("A share of the plan is more than 0 and at most 1, not " + newShare);
        }
        share = newShare;
        long now = System.nanoTime();
        byPortal.values().forEach(limits -> limits.share(newShare, now));
    }
}
