package io.shardkv.bench.report;

import io.shardkv.bench.workload.OpKind;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one measured run: what ran against what, how many operations completed in the
 * measured window, and their latencies (all, and by operation).
 */
public record Result(Map<String, Object> setup, double seconds, Map<OpKind, Histogram> histograms,
        Map<String, Long> errors) {

    /** Every latency recorded, whatever the operation. */
    public Histogram all() {
        Histogram all = new Histogram(3);
        histograms.values().forEach(all::add);
        return all;
    }

    public long ops() {
        return all().getTotalCount();
    }

    public double opsPerSecond() {
        return seconds > 0 ? ops() / seconds : 0;
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The result as a JSON-ready map. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>(setup);
        m.put("seconds", seconds);
        m.put("ops", ops());
        m.put("opsPerSecond", opsPerSecond());
        m.put("errors", errorCount());
        m.put("errorsByCause", new LinkedHashMap<>(errors));
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("all", Latency.of(all()).toMap());
        histograms.forEach((k, h) -> {
            if (h.getTotalCount() > 0) {
                latency.put(k.name().toLowerCase(Locale.ROOT), Latency.of(h).toMap());
            }
        });
        m.put("latencyMs", latency);
        return m;
    }

    /** The result for people: throughput, then one line per operation kind. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s: %,d ops in %.1f s = %,.0f ops/s, errors %d%n", setup.get("system"), ops(),
                seconds, opsPerSecond(), errorCount()));
        line(b, "all", all());
        histograms.forEach((k, h) -> {
            if (h.getTotalCount() > 0 && histograms.values().stream().filter(x -> x.getTotalCount() > 0).count() > 1) {
                line(b, k.name().toLowerCase(Locale.ROOT), h);
            }
        });
        errors.forEach((cause, n) -> b.append(String.format(Locale.ROOT, "  error %s: %d%n", cause, n)));
        return b.toString();
    }

    private static void line(StringBuilder b, String name, Histogram h) {
        Latency l = Latency.of(h);
        b.append(String.format(Locale.ROOT, "  %-5s %,9d ops  latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
                name, l.count(), l.p50(), l.p90(), l.p99(), l.p999(), l.max()));
    }
}
