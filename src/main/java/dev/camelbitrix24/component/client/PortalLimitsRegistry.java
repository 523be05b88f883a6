package dev.camelbitrix24.component.client;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link PortalLimits} per portal ({@link Bitrix24Urls#origin}: scheme, host and port, the default port spelled
 * out), shared by every endpoint of a component, so that all routes calling one portal draw from one bucket. The first endpoint to call a portal sets its rate plan and limits.
 */
public final class PortalLimitsRegistry {

    private final Map<String, PortalLimits> byPortal = new ConcurrentHashMap<>();

    public PortalLimits forPortal(URI methodUrl, String ratePlan, long operatingTimeLimit, long operatingTimeReserve) {
        return byPortal.computeIfAbsent(Bitrix24Urls.origin(methodUrl),
                k -> new PortalLimits(RequestPacer.forPlan(ratePlan, System.nanoTime()),
                        new OperatingTimeGuard(operatingTimeLimit, operatingTimeReserve), new PortalWaits()));
    }
}
