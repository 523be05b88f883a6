package dev.camelbitrix24.app;

import java.util.Map;

import dev.camelbitrix24.component.Bitrix24PortalWait;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Says whether the pipeline is paused because the portal waits, why and until when. Always UP: waiting out the
 * portal's limits is the pipeline working as it should, and a restart would not end the wait. A readiness check.
 */
public class PortalWaitHealthCheck extends AbstractHealthCheck {

    public PortalWaitHealthCheck() {
        super("bitrix24", "portal-wait");
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        PortalWaitPause pause = getCamelContext() == null ? null
                : getCamelContext().getRegistry().findSingleByType(PortalWaitPause.class);
        Bitrix24PortalWait wait = pause == null ? null : pause.current();
        builder.detail("paused", wait != null);
        if (wait != null) {
            builder.message("Paused: " + PortalWaitPause.describe(wait));
            builder.detail("reason", wait.reason().name());
            builder.detail("since", wait.since().toString());
            builder.detail("until", wait.until().toString());
        }
        if (pause != null) {
            builder.detail("pauses", pause.pauses());
        }
        builder.up();
    }
}
