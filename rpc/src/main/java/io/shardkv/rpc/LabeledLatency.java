package io.shardkv.rpc;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link LatencyHistogram}s by label values (an operation and its outcome, say), created on first
 * use. Label values must come from small fixed sets — enum names — since each combination is kept
 * for the process's life.
 */
public final class LabeledLatency {

    private final List<String> labelNames;
    private final Map<List<String>, LatencyHistogram> histograms = new ConcurrentHashMap<>();

    public LabeledLatency(String... labelNames) {
        this.labelNames = List.of(labelNames);
    }

    public List<String> labelNames() {
        return labelNames;
    }

    /** Counts the time since {@code startNanos} under these label values, one per label name. */
    public void observeSince(long startNanos, String... labelValues) {
        if (labelValues.length != labelNames.size()) {
            throw new IllegalArgumentException("labels " + labelNames + " given values " + List.of(labelValues));
        }
        histograms.computeIfAbsent(List.of(labelValues), k -> new LatencyHistogram()).observeSince(startNanos);
    }

    /** Every combination seen so far, in label order. */
    public Map<List<String>, LatencyHistogram.Snapshot> snapshot() {
        Map<List<String>, LatencyHistogram.Snapshot> out = new TreeMap<>((a, b) -> String.join("\0", a)
                .compareTo(String.join("\0", b)));
        histograms.forEach((labels, h) -> out.put(labels, h.snapshot()));
        return out;
    }
}
