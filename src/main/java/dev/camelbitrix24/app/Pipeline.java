package dev.camelbitrix24.app;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.spi.ManagementStrategy;

/**
 * One running instance of the pipeline: Camel Main with {@code application.properties} and the YAML routes of
 * {@code routes/}, started without blocking. Several may run in one JVM (each is its own consumer in the group).
 */
public final class Pipeline implements AutoCloseable {

    private final Main main;

    private Pipeline(Main main) {
        this.main = main;
    }

    /** Starts an instance; the overrides win over {@code application.properties}, the environment and system properties. */
    public static Pipeline start(Map<String, String> overrides) {
        Main main = new Main();
        overrides.forEach(main::addOverrideProperty);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport configured) {
                registerEventNotifierBeans(configured.getCamelContext());
                registerHealthCheckBeans(configured.getCamelContext());
            }
        });
        try {
            main.start();
        } catch (Exception e) {
            stopQuietly(main);
            throw new IllegalStateException("The pipeline did not start: " + e.getMessage(), e);
        }
        if (main.getCamelContext() == null || !main.getCamelContext().isStarted()) {
            stopQuietly(main);
            throw new IllegalStateException("The pipeline did not start");
        }
        return new Pipeline(main);
    }

    /**
     * Makes the event notifiers that application.properties declares as beans (the metrics and the progress log)
     * hear Camel's events: Camel Main binds {@code camel.beans} to the registry but does not add them as notifiers.
     */
    private static void registerEventNotifierBeans(CamelContext context) {
        ManagementStrategy management = context.getManagementStrategy();
        for (EventNotifier notifier : context.getRegistry().findByType(EventNotifier.class)) {
            if (!management.getEventNotifiers().contains(notifier)) {
                management.addEventNotifier(notifier);
            }
        }
    }

    /** Adds the health checks that application.properties declares as beans (the portal-wait check) to Camel's. */
    private static void registerHealthCheckBeans(CamelContext context) {
        HealthCheckRegistry checks = HealthCheckRegistry.get(context);
        if (checks != null) {
            context.getRegistry().findByType(HealthCheck.class).forEach(checks::register);
        }
    }

    public CamelContext camelContext() {
        return main.getCamelContext();
    }

    /** Stops the routes gracefully: in-flight requests finish, get their outcome and commit, then the consumers leave. */
    @Override
    public void close() {
        try {
            main.stop();
        } catch (Exception e) {
            throw new IllegalStateException("The pipeline did not stop cleanly: " + e.getMessage(), e);
        }
    }

    private static void stopQuietly(Main main) {
        try {
            main.stop();
        } catch (Exception ignored) {
            // the start failure is the error worth reporting
        }
    }
}
