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

    /** The seed of every random choice a reliability test makes; printed, so that a failing run can be repeated. */
    static long seed() {
        return Long.getLong("fire.seed", System.nanoTime());
    }
}
