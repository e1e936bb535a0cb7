package io.shardkv.rpc;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {

    private static final long MS = 1_000_000;

    @Test
    void delaysDoubleUpToTheCapWithJitterInTheUpperHalf() {
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), new Random(1));
        long[] ceilings = {50, 100, 200, 400, 800, 1600, 2000, 2000, 2000};
        for (int round = 0; round < 100; round++) {
            for (long ceiling : ceilings) {
                long delay = backoff.nextDelayNanos();
                assertTrue(delay >= ceiling * MS / 2 && delay <= ceiling * MS,
                        "delay " + delay + " outside [" + ceiling / 2 + ", " + ceiling + "] ms");
            }
            backoff.reset();
        }
    }

    @Test
    void jitterSpreadsTheDelays() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), new Random(2));
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 1000; i++) {
            long delay = backoff.nextDelayNanos();
            min = Math.min(min, delay);
            max = Math.max(max, delay);
        }
        assertTrue(min < 600 * MS && max > 900 * MS, "delays between " + min + " and " + max);
    }

    @Test
    void aHugeCapDoesNotOverflow() {
        Backoff backoff = new Backoff(Duration.ofNanos(1), Duration.ofDays(365 * 100), new Random(3));
        long largest = 0;
        for (int i = 0; i < 200; i++) {
            long delay = backoff.nextDelayNanos();
            assertTrue(delay >= 0, "negative delay " + delay);
            largest = Math.max(largest, delay);
        }
        assertTrue(largest <= Duration.ofDays(365 * 100).toNanos());
    }
}
