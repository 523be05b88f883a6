package dev.camelbitrix24.app;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

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
