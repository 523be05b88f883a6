package dev.camelbitrix24.component.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;

/**
 * Everything logged (through Log4j 2, the SLF4J backend here) and printed to System.out/err while it is open,
 * with chosen loggers turned up.
 */
public final class CapturedOutput implements AutoCloseable {

    private final StringBuffer logged = new StringBuffer();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final AbstractAppender appender;
    private final java.util.Map<String, Level> levels;
    private final java.util.Map<String, Level> previous = new java.util.HashMap<>();

    /** @param levels logger names and the level each is set to while capturing */
    public CapturedOutput(java.util.Map<String, Level> levels) {
        this(levels, java.util.List.of());
    }

    /**
     * @param levels  logger names and the level each is set to while capturing
     * @param ignored logger name prefixes whose events are not captured (e.g. the portal simulator's own, which
     *                knows the secrets by design)
     */
    public CapturedOutput(java.util.Map<String, Level> levels, java.util.List<String> ignored) {
        this.levels = levels;
        appender = new AbstractAppender("captured-output", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (ignored.stream().anyMatch(event.getLoggerName()::startsWith)) {
                    return;
                }
                logged.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(' ')
                        .append(event.getMessage().getFormattedMessage()).append('\n');
                if (event.getThrown() != null) {
                    StringWriter trace = new StringWriter();
                    event.getThrown().printStackTrace(new PrintWriter(trace));
                    logged.append(trace);
                }
            }
        };
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        configuration.addAppender(appender);
        configuration.getRootLogger().addAppender(appender, Level.ALL, null);
        levels.keySet().forEach(logger -> previous.put(logger, LogManager.getLogger(logger).getLevel()));
        levels.forEach(Configurator::setLevel);
        context.updateLoggers();
        PrintStream tee = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setOut(tee);
        System.setErr(tee);
    }

    /** The log lines (with stack traces) and the printed text so far. */
    public String text() {
        return logged + "\n" + printed.toString(StandardCharsets.UTF_8);
    }

    /** The log lines only. */
    public String logged() {
        return logged.toString();
    }

    @Override
    public void close() {
        System.setOut(originalOut);
        System.setErr(originalErr);
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        previous.forEach(Configurator::setLevel);
        context.updateLoggers();
        appender.stop();
    }
}
