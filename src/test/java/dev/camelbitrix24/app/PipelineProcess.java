package dev.camelbitrix24.app;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The pipeline as a separate JVM, started the way a user starts it ({@code java -cp ... PipelineApplication run})
 * with the test's classpath, in the project folder (the routes are read from {@code routes/}), configured by
 * environment variables and system properties. Its stdout and stderr go to a log file that every restart appends
 * to, so the test can search everything it ever printed.
 */
final class PipelineProcess implements AutoCloseable {

    private final Map<String, String> environment;
    private final Map<String, String> systemProperties;
    private final Path log;
    private final List<String> arguments;
    private Process process;
    private int starts;

    PipelineProcess(Map<String, String> environment, Map<String, String> systemProperties, Path log) {
        this(environment, systemProperties, log, "run");
    }

    /** A JVM that runs another command of the pipeline: {@code replay --from TOPIC}, for instance. */
    PipelineProcess(Map<String, String> environment, Map<String, String> systemProperties, Path log, String... arguments) {
        this.environment = Map.copyOf(environment);
        this.systemProperties = Map.copyOf(systemProperties);
        this.log = log;
        this.arguments = List.of(arguments);
    }

    /** Starts a new JVM (the previous one must have ended). */
    void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the pipeline process is still running");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        // the logging of a real run (src/main/resources), not the tests' own log4j2-test.xml
        command.add("-Dlog4j2.configurationFile=log4j2.xml");
        systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-cp");
        command.add(testClasspath());
        command.add(PipelineApplication.class.getName());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(projectDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // the child must not inherit a KAFKA_BOOTSTRAP_SERVERS or BITRIX24_* of the machine running the tests
        builder.environment().keySet().removeIf(k -> k.startsWith("BITRIX24_") || k.startsWith("KAFKA_")
                || k.startsWith("CAMEL_"));
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        starts++;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    int starts() {
        return starts;
    }

    /** SIGKILL on Linux: no shutdown hook runs, nothing is flushed or committed. */
    void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** SIGTERM: the shutdown hook stops the routes gracefully. Returns the exit code. */
    int stop(Duration atMost) {
        process.destroy();
        if (!waitFor(atMost)) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
            throw new IllegalStateException("the pipeline did not stop within " + atMost);
        }
        return process.exitValue();
    }

    /** Waits for a command that ends by itself ({@code replay}); returns its exit code. */
    int awaitExit(Duration atMost) {
        if (!waitFor(atMost)) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
            throw new IllegalStateException("the pipeline command did not end within " + atMost);
        }
        return process.exitValue();
    }

    private boolean waitFor(Duration atMost) {
        try {
            return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Everything the JVMs printed so far. */
    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
        }
    }

    /** The folder that holds {@code routes/} and {@code pom.xml}: surefire runs in it, {@code basedir} names it. */
    static Path projectDir() {
        String basedir = System.getProperty("basedir");
        Path dir = basedir != null ? Path.of(basedir) : Path.of("").toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("routes"))) {
            throw new IllegalStateException("no routes/ folder in " + dir);
        }
        return dir;
    }

    /**
     * The classpath of this test JVM (target/test-classes, target/classes and every dependency). Surefire may start
     * the test JVM with a manifest-only jar; its Class-Path is then read out.
     */
    static String testClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        if (surefire != null && !surefire.isBlank()) {
            return surefire;
        }
        String classpath = System.getProperty("java.class.path");
        String[] entries = classpath.split(File.pathSeparator);
        if (entries.length == 1 && entries[0].endsWith(".jar")) {
            try (JarFile jar = new JarFile(entries[0])) {
                Manifest manifest = jar.getManifest();
                String inManifest = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
                if (inManifest != null) {
                    List<String> files = new ArrayList<>();
                    for (String url : inManifest.trim().split("\\s+")) {
                        files.add(Path.of(java.net.URI.create(url)).toString());
                    }
                    return String.join(File.pathSeparator, files);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return classpath;
    }

    /** The environment that points a pipeline at a broker, a webhook and a set of topics (the contract's names). */
    static Map<String, String> environment(String bootstrapServers, String webhookUrl, PipelineTopics topics) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        if (webhookUrl != null) {
            env.put("BITRIX24_WEBHOOK_URL", webhookUrl);
        }
        env.put("BITRIX24_TOPIC_REQUESTS", topics.requests());
        env.put("BITRIX24_TOPIC_SUCCEEDED", topics.succeeded());
        env.put("BITRIX24_TOPIC_NOT_FOUND", topics.notFound());
        env.put("BITRIX24_TOPIC_REJECTED", topics.rejected());
        env.put("BITRIX24_TOPIC_INVALID", topics.invalid());
        env.put("BITRIX24_TOPIC_DEAD_LETTER", topics.deadLetter());
        return env;
    }
}
