package io.shardkv.bench.load;

import io.shardkv.bench.workload.OpKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies (nanoseconds, HdrHistogram, 3 significant digits) and failures of completed operations,
 * recorded from any thread without locks and drained by interval.
 */
public final class Measurement {

    private final Map<OpKind, Recorder> recorders = new EnumMap<>(OpKind.class);
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    public Measurement() {
        for (OpKind k : OpKind.values()) {
            recorders.put(k, new Recorder(3));
        }
    }

    /** An operation of {@code kind} that succeeded after {@code nanos}. */
    public void record(OpKind kind, long nanos) {
        recorders.get(kind).recordValue(Math.max(1, nanos));
    }

    /** An operation of {@code kind} that failed with {@code cause}. */
    public void error(OpKind kind, Throwable cause) {
        errors.computeIfAbsent(kind.name().toLowerCase() + ": " + describe(cause), k -> new LongAdder()).increment();
    }

    private static String describe(Throwable cause) {
        Throwable t = cause;
        while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName();
    }

    /** Latencies recorded since the previous drain, by kind (a fresh histogram each). */
    public Map<OpKind, Histogram> drain() {
        Map<OpKind, Histogram> out = new EnumMap<>(OpKind.class);
        recorders.forEach((k, r) -> out.put(k, r.getIntervalHistogram()));
        return out;
    }

    /** Failures since the start (or the last {@link #resetErrors}), by operation and cause. */
    public Map<String, Long> errors() {
        Map<String, Long> out = new java.util.TreeMap<>();
        errors.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Forgets failures so far (those of the warm-up). */
    public void resetErrors() {
        errors.clear();
    }
}
