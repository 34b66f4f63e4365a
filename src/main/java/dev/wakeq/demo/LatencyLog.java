package dev.wakeq.demo;

import java.util.ArrayList;
import java.util.List;

/** Insert-to-handled latencies of one polling mode, in milliseconds. */
final class LatencyLog {

    private final List<Double> millis = new ArrayList<>();

    /** The payload carries the inserter's {@code System.nanoTime()} taken just before its INSERT. */
    synchronized void handled(String payload) {
        millis.add((System.nanoTime() - Long.parseLong(payload)) / 1e6);
    }

    synchronized int count() {
        return millis.size();
    }

    synchronized double percentile(double p) {
        if (millis.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(millis);
        sorted.sort(null);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }
}
