package dev.camelbitrix24.simulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/** Decides which REST calls get a fault: the first matching active spec wins; fractions draw from a seeded random. */
final class FaultInjector {

    private final long randomSeed;
    private final List<Active> faults = new ArrayList<>();
    private Random random;
    // read without the lock so that calls without faults (the load test) never contend
    private volatile boolean any;

    FaultInjector(long randomSeed) {
        this.randomSeed = randomSeed;
        this.random = new Random(randomSeed);
    }

    synchronized void add(FaultSpec spec) {
        faults.add(new Active(spec));
        any = true;
    }

    /** Removes every fault and restarts the random sequence, so a test run repeats exactly after a reset. */
    synchronized void clear() {
        faults.clear();
        random = new Random(randomSeed);
        any = false;
    }

    synchronized List<FaultSpec> active() {
        List<FaultSpec> list = new ArrayList<>();
        for (Active a : faults) {
            list.add(a.spec);
        }
        return list;
    }

    /** The fault for this call of {@code method}, or null. */
    FaultSpec pick(String method) {
        if (!any) {
            return null;
        }
        synchronized (this) {
            Iterator<Active> it = faults.iterator();
            while (it.hasNext()) {
                Active active = it.next();
                FaultSpec spec = active.spec;
                if (spec.methodValue() != null && !spec.methodValue().equals(method)) {
                    continue;
                }
                if (spec.fractionValue() < 1 && random.nextDouble() >= spec.fractionValue()) {
                    continue;
                }
                if (active.remaining > 0 && --active.remaining == 0) {
                    it.remove();
                    any = !faults.isEmpty();
                }
                return spec;
            }
            return null;
        }
    }

    private static final class Active {
        final FaultSpec spec;
        int remaining;

        Active(FaultSpec spec) {
            this.spec = spec;
            this.remaining = spec.timesValue();
        }
    }
}
