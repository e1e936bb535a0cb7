package io.shardkv.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void countsEachDurationInTheFirstBucketWhoseBoundHoldsIt() {
        LatencyHistogram h = new LatencyHistogram(new double[] {0.001, 0.002, 0.004});
        h.observeNanos(1_000_000);      // exactly on the first bound: inclusive
        h.observeNanos(1_000_001);
        h.observeNanos(3_000_000);
        h.observeNanos(9_000_000_000L); // beyond every bound
        h.observeNanos(-5);             // a clock read out of order: zero
        LatencyHistogram.Snapshot s = h.snapshot();
        assertArrayEquals(new double[] {0.001, 0.002, 0.004, Double.POSITIVE_INFINITY}, s.upperBoundsSeconds());
        assertArrayEquals(new long[] {2, 1, 1, 1}, s.bucketCounts());
        assertEquals(5, s.count());
        assertEquals(9.005000001, s.sumSeconds(), 1e-12);
    }

    @Test
    void defaultBoundsDoubleFromATenthOfAMillisecond() {
        double[] b = LatencyHistogram.DEFAULT_BOUNDS_SECONDS;
        assertEquals(18, b.length);
        assertEquals(0.0001, b[0], 1e-15);
        assertEquals(0.0001 * (1 << 17), b[17], 1e-9);
    }

    @Test
    void refusesBoundsThatAreNotAscending() {
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(new double[] {0.002, 0.001}));
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(new double[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(new double[0]));
    }

    @Test
    void labeledLatencyKeepsOneHistogramPerCombination() {
        LabeledLatency l = new LabeledLatency("op", "status");
        long now = System.nanoTime();
        l.observeSince(now, "GET", "OK");
        l.observeSince(now, "GET", "OK");
        l.observeSince(now, "PUT", "WRONG_GROUP");
        Map<List<String>, LatencyHistogram.Snapshot> s = l.snapshot();
        assertEquals(List.of(List.of("GET", "OK"), List.of("PUT", "WRONG_GROUP")), List.copyOf(s.keySet()));
        assertEquals(2, s.get(List.of("GET", "OK")).count());
        assertThrows(IllegalArgumentException.class, () -> l.observeSince(now, "GET"));
    }
}
