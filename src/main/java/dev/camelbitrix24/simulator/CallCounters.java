package dev.camelbitrix24.simulator;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** How many requests reached each method, whatever their outcome. */
final class CallCounters {

    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    void increment(String method) {
        counts.computeIfAbsent(method, m -> new LongAdder()).increment();
    }

    long get(String method) {
        LongAdder adder = counts.get(method.toLowerCase(Locale.ROOT));
        return adder == null ? 0 : adder.sum();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((method, adder) -> copy.put(method, adder.sum()));
        return copy;
    }

    void reset() {
        counts.clear();
    }
}
