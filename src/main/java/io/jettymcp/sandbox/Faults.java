package io.jettymcp.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Ordered fault switches; the first applicable rule wins. Thread-safe. */
public final class Faults {

    private static final class Entry {
        final FaultRule rule;
        int matched;

        Entry(FaultRule rule) {
            this.rule = rule;
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    public synchronized void add(FaultRule rule) {
        entries.add(new Entry(java.util.Objects.requireNonNull(rule, "rule")));
    }

    public synchronized void clear() {
        entries.clear();
    }

    public synchronized List<FaultRule> rules() {
        return entries.stream().map(e -> e.rule).toList();
    }

    /** Counts the call against every matching rule and returns the first that fires. */
    synchronized Optional<FaultRule> next(String method, String path) {
        FaultRule hit = null;
        for (Entry e : entries) {
            if (!e.rule.matches(method, path)) {
                continue;
            }
            int n = e.matched++;
            boolean fires = n >= e.rule.skip() && (e.rule.times() < 0 || n - e.rule.skip() < e.rule.times());
            if (fires && hit == null) {
                hit = e.rule;
            }
        }
        return Optional.ofNullable(hit);
    }
}
