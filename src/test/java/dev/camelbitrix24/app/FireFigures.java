package dev.camelbitrix24.app;

/**
 * The sizes of the reliability tests: the short figures run in {@code mvn verify}, the long ones with
 * {@code mvn verify -Psoak} (which sets {@code -Dfire.soak=true}). Any figure can also be set on its own, e.g.
 * {@code -Dfire.crash.kills=50}.
 */
final class FireFigures {

    static final boolean SOAK = Boolean.getBoolean("fire.soak");

    private FireFigures() {
    }

    /** The value of {@code -Dfire.<name>}, else the soak or the short figure. */
    static int figure(String name, int verify, int soak) {
        return Integer.getInteger("fire." + name, SOAK ? soak : verify);
    }

    /** Prints a result line and appends it, with the time, to {@code target/fire-figures.txt} (the README's figures). */
    static void report(String format, Object... args) {
        String line = String.format(format, args);
        System.out.println(line);
        try {
            java.nio.file.Path file = java.nio.file.Path.of("target", "fire-figures.txt");
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.writeString(file, java.time.Instant.now() + (SOAK ? " soak " : " verify ") + line
                    + System.lineSeparator(), java.nio.charset.StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The seed of every random choice a reliability test makes; printed, so that a failing run can be repeated. */
    static long seed() {
        return Long.getLong("fire.seed", System.nanoTime());
    }
}
