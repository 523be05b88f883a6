package dev.camelbitrix24.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * The simulated time a call spends executing, charged on top of its real time: drawn uniformly from [min, max]
 * (fixed at {@code min} when {@code max} is not above it), per call from the seeded random or, with
 * {@code perActivity}, as a fixed function of the seed and the activity id; with {@code holdReply} the reply is
 * held back for that time, as a busy portal's would be.
 */
public record ProcessingTime(Duration min, Duration max, boolean perActivity, boolean holdReply) {

    /** No simulated time: a call costs its real time only. */
    public static final ProcessingTime NONE = fixed(Duration.ZERO);

    public ProcessingTime {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.isNegative() || max.isNegative()) {
            throw new IllegalArgumentException("the processing time may not be negative");
        }
        if (max.compareTo(min) < 0) {
            max = min;
        }
    }

    /** Every call costs {@code time}. */
    public static ProcessingTime fixed(Duration time) {
        return new ProcessingTime(time, time, false, false);
    }

    /** The same flags with another range; {@code max} not above {@code min} means fixed at {@code min}. */
    public ProcessingTime withRange(Duration newMin, Duration newMax) {
        return new ProcessingTime(newMin, newMax, perActivity, holdReply);
    }

    /** With {@code true}, a call naming an activity costs a time that depends only on the seed and the activity id. */
    public ProcessingTime withPerActivity(boolean value) {
        return new ProcessingTime(min, max, value, holdReply);
    }

    /** With {@code true}, each reply is held back for the simulated time its calls were charged. */
    public ProcessingTime withHoldReply(boolean value) {
        return new ProcessingTime(min, max, perActivity, value);
    }
}
