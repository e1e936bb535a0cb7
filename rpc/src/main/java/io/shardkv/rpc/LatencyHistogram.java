package io.shardkv.rpc;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of durations in exponential buckets (as etcd's histograms are built), cheap enough for the
 * node thread: one array increment and one adder per observation, no lock. Any thread may observe
 * and read; a {@link Snapshot} taken while others observe may be a few observations off between its
 * sum and its counts, which a scraper does not notice.
 */
public final class LatencyHistogram {

    /** 100 µs doubling 18 times: 0.1 ms … 13.1 s, then +Inf — an fsync, a commit or a snapshot alike. */
    public static final double[] DEFAULT_BOUNDS_SECONDS = exponentialBounds(0.0001, 2, 18);

    /**
     * A histogram's counts at one moment.
     *
     * @param upperBoundsSeconds each bucket's inclusive upper bound, the last {@code +Inf}
     * @param bucketCounts       observations in each bucket (not cumulative)
     * @param sumSeconds         the sum of all observations
     */
    public record Snapshot(double[] upperBoundsSeconds, long[] bucketCounts, double sumSeconds) {

        public long count() {
            return Arrays.stream(bucketCounts).sum();
        }
    }

    private final double[] bounds;
    private final long[] boundsNanos;
    private final AtomicLongArray counts;
    private final LongAdder sumNanos = new LongAdder();

    /** A histogram over {@link #DEFAULT_BOUNDS_SECONDS}. */
    public LatencyHistogram() {
        this(DEFAULT_BOUNDS_SECONDS);
    }

    /** A histogram over these ascending finite bounds, with a {@code +Inf} bucket added. */
    public LatencyHistogram(double[] finiteBoundsSeconds) {
        if (finiteBoundsSeconds.length == 0) {
            throw new IllegalArgumentException("a histogram needs at least one finite bound");
        }
        bounds = Arrays.copyOf(finiteBoundsSeconds, finiteBoundsSeconds.length + 1);
        bounds[finiteBoundsSeconds.length] = Double.POSITIVE_INFINITY;
        boundsNanos = new long[finiteBoundsSeconds.length];
        for (int i = 0; i < finiteBoundsSeconds.length; i++) {
            if (!(finiteBoundsSeconds[i] > (i == 0 ? 0 : finiteBoundsSeconds[i - 1]))) {
                throw new IllegalArgumentException("bounds must be positive and ascending: "
                        + Arrays.toString(finiteBoundsSeconds));
            }
            boundsNanos[i] = Math.round(finiteBoundsSeconds[i] * 1e9);
        }
        counts = new AtomicLongArray(bounds.length);
    }

    /** {@code count} bounds: {@code start}, {@code start·factor}, … */
    public static double[] exponentialBounds(double start, double factor, int count) {
        double[] b = new double[count];
        for (int i = 0; i < count; i++) {
            b[i] = start * Math.pow(factor, i);
        }
        return b;
    }

    /** Counts one duration; a negative one (a clock read out of order) counts as zero. */
    public void observeNanos(long nanos) {
        long n = Math.max(0, nanos);
        int i = Arrays.binarySearch(boundsNanos, n);
        counts.incrementAndGet(i >= 0 ? i : -i - 1);
        sumNanos.add(n);
    }

    /** Counts the time since {@code startNanos}, a {@link System#nanoTime()} reading. */
    public void observeSince(long startNanos) {
        observeNanos(System.nanoTime() - startNanos);
    }

    public Snapshot snapshot() {
        long[] c = new long[counts.length()];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts.get(i);
        }
        return new Snapshot(bounds.clone(), c, sumNanos.sum() / 1e9);
    }
}
