package dev.camelbitrix24.component.client;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link PortalLimits} per portal (scheme, host and port), shared by every endpoint of a component, so that all
 * routes calling one portal draw from one bucket. The first endpoint to call a portal sets its rate plan and limits.
 */
public final class PortalLimitsRegistry {

    private final Map<String, PortalLimits> byPortal = new ConcurrentHashMap<>();

    public PortalLimits forPortal(URI methodUrl, String ratePlan, long operatingTimeLimit, long operatingTimeReserve) {
        String key = methodUrl.getScheme().toLowerCase(Locale.ROOT) + "://" + methodUrl.getHost().toLowerCase(Locale.ROOT)
                     + ":" + methodUrl.getPort();
        return byPortal.computeIfAbsent(key, k -> new PortalLimits(RequestPacer.forPlan(ratePlan, System.nanoTime()),
                new OperatingTimeGuard(operatingTimeLimit, operatingTimeReserve)));
    }
}
