package io.shardkv.group;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The pace of pulls on a clock of our own: a second's burst, then the rate, debts paid back first. */
class MigrationPacerTest {

    private static final long MIB = 1 << 20;

    @Test
    void pullsKeepToTheRateOnAverage() {
        MigrationPacer pacer = new MigrationPacer(4 * MIB, 0);
        long pulled = 0;
        for (long now = 0; now <= 10_000; now += 20) {
            while (pacer.mayPull(now)) {
                pacer.pulled(MIB, now);
                pulled += MIB;
            }
        }
        // A second's burst (4 MiB, plus the chunk that overdraws it) and then 4 MiB per second.
        assertTrue(pulled >= 44 * MIB && pulled <= 46 * MIB, "pulled " + pulled / MIB + " MiB in 10 s at 4 MiB/s");
    }

    @Test
    void aChunkLargerThanTheBucketIsPaidBackBeforeTheNext() {
        MigrationPacer pacer = new MigrationPacer(MIB, 0);
        assertTrue(pacer.mayPull(0));
        pacer.pulled(3 * MIB, 0);
        assertFalse(pacer.mayPull(1_000), "2 MiB in debt, 1 MiB paid back");
        assertFalse(pacer.mayPull(1_999));
        assertTrue(pacer.mayPull(2_001));
    }

    @Test
    void noRateIsNoLimitAndANegativeOneIsRefused() {
        MigrationPacer pacer = new MigrationPacer(0, 0);
        pacer.pulled(Long.MAX_VALUE / 2, 0);
        assertTrue(pacer.mayPull(0));
        assertThrows(IllegalArgumentException.class, () -> new MigrationPacer(-1, 0));
    }
}
