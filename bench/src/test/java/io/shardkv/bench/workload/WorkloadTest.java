package io.shardkv.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void presetsAndExplicitSharesParse() {
        assertEquals(new OpMix(0.5, 0.5, 0), OpMix.parse("ycsb-a"));
        assertEquals(new OpMix(0.95, 0.05, 0), OpMix.parse("YCSB-B"));
        assertEquals(new OpMix(1, 0, 0), OpMix.parse("ycsb-c"));
        assertEquals(new OpMix(0.9, 0.05, 0.05), OpMix.parse("read=90,write=5,cas=5"));
        assertThrows(IllegalArgumentException.class, () -> OpMix.parse("read=90,write=5"));
        assertThrows(IllegalArgumentException.class, () -> OpMix.parse("read=abc,write=100"));
        assertThrows(IllegalArgumentException.class, () -> OpMix.parse("scan=100"));
    }

    @Test
    void aMixDrawsEachOperationAboutItsShare() {
        OpMix mix = OpMix.parse("read=70,write=20,cas=10");
        SplittableRandom r = new SplittableRandom(1);
        int[] counts = new int[OpKind.values().length];
        for (int i = 0; i < 100_000; i++) {
            counts[mix.next(r).ordinal()]++;
        }
        assertEquals(70_000, counts[OpKind.READ.ordinal()], 1_500);
        assertEquals(20_000, counts[OpKind.WRITE.ordinal()], 1_500);
        assertEquals(10_000, counts[OpKind.CAS.ordinal()], 1_500);
    }

    @Test
    void keysAreFixedWidthDecimal() {
        assertEquals("00000042", new String(new KeySpace(100_000).key(42), StandardCharsets.US_ASCII));
        assertEquals("000000042", new String(new KeySpace(200_000_000).key(42), StandardCharsets.US_ASCII));
    }

    @Test
    void zipfianRanksAreSkewedLikeYcsbAndStayInRange() {
        ZipfianKeys z = new ZipfianKeys(1000, ZipfianKeys.YCSB_CONSTANT);
        SplittableRandom r = new SplittableRandom(7);
        int n = 200_000;
        int[] rank = new int[1000];
        for (int i = 0; i < n; i++) {
            long k = z.rank(r);
            assertTrue(k >= 0 && k < 1000);
            rank[(int) k]++;
        }
        // P(rank 0) = 1 / zeta(1000, 0.99), about 0.13; rank 1 about half of it (1/2^0.99).
        assertEquals(0.134, rank[0] / (double) n, 0.01);
        assertEquals(0.5, rank[1] / (double) rank[0], 0.05);
        assertTrue(rank[0] > rank[10] && rank[10] > rank[500]);
    }

    @Test
    void scramblingSpreadsTheHotKeysButKeepsTheRange() {
        KeyChooser c = KeyChooser.of("zipfian", 1000);
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) {
            long k = c.next(r);
            assertTrue(k >= 0 && k < 1000, "key " + k);
        }
        assertTrue(ZipfianKeys.fnv1a(0) % 1000 != 0 || ZipfianKeys.fnv1a(1) % 1000 != 1, "ranks 0 and 1 are moved");
        assertThrows(IllegalArgumentException.class, () -> KeyChooser.of("normal", 10));
        assertThrows(IllegalArgumentException.class, () -> KeyChooser.of("uniform", 0));
    }
}
