package io.shardkv.bench.report;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** A latency distribution's summary, in milliseconds. */
public record Latency(long count, double mean, double p50, double p90, double p99, double p999, double max) {

    private static final double NANOS_PER_MS = 1e6;

    /** The summary of a histogram of nanoseconds. */
    public static Latency of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new Latency(0, 0, 0, 0, 0, 0, 0);
        }
        return new Latency(h.getTotalCount(), h.getMean() / NANOS_PER_MS, ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9),
                h.getMaxValue() / NANOS_PER_MS);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / NANOS_PER_MS;
    }

    /** As a JSON-ready map. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", count);
        m.put("mean", mean);
        m.put("p50", p50);
        m.put("p90", p90);
        m.put("p99", p99);
        m.put("p999", p999);
        m.put("max", max);
        return m;
    }
}
