package dev.wakeq.demo;

import java.util.ArrayList;
import java.util.List;

/** Latencies in milliseconds: insert-to-handled of one polling mode (demo), commit-to-claim (benchmark). */
public final class LatencyLog {

    private final List<Double> millis = new ArrayList<>();

    /** The payload carries the inserter's {@code System.nanoTime()} taken just before its INSERT. */
    synchronized void handled(String payload) {
        add((System.nanoTime() - Long.parseLong(payload)) / 1e6);
    }

    public synchronized void add(double latencyMillis) {
        millis.add(latencyMillis);
    }

    public synchronized int count() {
        return millis.size();
    }

    /** The value at rank {@code floor(p * count)}; {@code percentile(1)} is the maximum. */
    public synchronized double percentile(double p) {
        if (millis.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(millis);
        sorted.sort(null);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }
}
