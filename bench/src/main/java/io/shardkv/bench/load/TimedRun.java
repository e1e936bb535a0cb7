package io.shardkv.bench.load;

import io.shardkv.bench.report.Latency;
import io.shardkv.bench.report.Result;
import io.shardkv.bench.workload.OpKind;
import java.io.PrintStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * Runs started load for a warm-up (recorded, then discarded) and a measured window, printing a
 * progress line every interval; the result covers exactly the operations that completed inside
 * the window.
 */
public final class TimedRun {

    private final Duration warmup;
    private final Duration duration;
    private final Duration progressEvery;
    private final PrintStream progress;

    public TimedRun(Duration warmup, Duration duration, Duration progressEvery, PrintStream progress) {
        this.warmup = warmup;
        this.duration = duration;
        this.progressEvery = progressEvery;
        this.progress = progress;
    }

    /** Measures {@code load} (already started); stops it and waits for what is outstanding before returning. */
    public Result measure(LoadGenerator load, Measurement m, Map<String, Object> setup, Duration drainLimit)
            throws InterruptedException {
        if (!warmup.isZero()) {
            waitOrFinish(load, warmup);
            m.drain();
            m.resetErrors();
        }
        Map<OpKind, Histogram> total = new EnumMap<>(OpKind.class);
        for (OpKind k : OpKind.values()) {
            total.put(k, new Histogram(3));
        }
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        boolean sourceEnded = load.finished().isDone();
        while (!sourceEnded && System.nanoTime() < end) {
            long slice = Math.min(progressEvery.toNanos(), end - System.nanoTime());
            long sliceStart = System.nanoTime();
            sourceEnded = waitOrFinish(load, Duration.ofNanos(Math.max(0, slice)));
            Map<OpKind, Histogram> interval = m.drain();
            interval.forEach((k, h) -> total.get(k).add(h));
            report((System.nanoTime() - start) / 1e9, interval, (System.nanoTime() - sliceStart) / 1e9);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Long> errors = m.errors();
        load.stop();
        try {
            load.finished().get(drainLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            progress.println("bench: operations still outstanding " + drainLimit.toSeconds() + " s after the end");
        }
        return new Result(setup, seconds, total, errors);
    }

    /** Waits {@code d}, or less if the load ends; true if it has ended. */
    private static boolean waitOrFinish(LoadGenerator load, Duration d) throws InterruptedException {
        try {
            load.finished().get(d.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the load generator failed", e.getCause());
        }
    }

    private void report(double elapsed, Map<OpKind, Histogram> interval, double sliceSeconds) {
        if (progress == null) {
            return;
        }
        Histogram all = new Histogram(3);
        interval.values().forEach(all::add);
        Latency l = Latency.of(all);
        progress.printf(Locale.ROOT, "  %6.1f s  %,9.0f ops/s  p50 %.3f ms  p99 %.3f ms  max %.3f ms%n", elapsed,
                sliceSeconds > 0 ? l.count() / sliceSeconds : 0, l.p50(), l.p99(), l.max());
    }
}
