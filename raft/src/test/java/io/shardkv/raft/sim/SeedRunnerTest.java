package io.shardkv.raft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SeedRunnerTest {

    @Test
    void everySeedRunsOnceAndOutcomesComeBackInSeedOrder() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        SeedRunner.Result<Long> r = SeedRunner.of(new SeedRunner.Seeds(5, 200, false), seed -> {
            threads.add(Thread.currentThread().getName());
            return seed * 10;
        }).threads(2).run();
        assertEquals(LongStream.rangeClosed(5, 204).map(s -> s * 10).boxed().toList(), r.outcomes());
        assertEquals(2, r.threads());
        assertTrue(threads.size() <= 2, threads.toString());
        assertEquals(LongStream.rangeClosed(50, 2040).filter(x -> x % 10 == 0).sum(), r.sum(x -> x));
        assertEquals(2040, r.max(x -> x));
    }

    @Test
    void aReplayRunsOnTheCallingThread() {
        String caller = Thread.currentThread().getName();
        SeedRunner.Result<String> r = SeedRunner.of(new SeedRunner.Seeds(37, 1, true),
                seed -> Thread.currentThread().getName()).run();
        assertEquals(List.of(caller), r.outcomes());
        assertEquals(1, r.threads());
    }

    @Test
    void failuresNameEverySeedAndCarryTheFirstWholeMessageAndItsReplay() {
        IllegalStateException boom = new IllegalStateException("seed 3 broke\nsecond line of detail");
        AssertionError e = assertThrows(AssertionError.class, () -> SeedRunner.of(new SeedRunner.Seeds(1, 10, false),
                seed -> {
                    if (seed == 3) {
                        throw boom;
                    }
                    if (seed == 8) {
                        throw new SimulationFailure("seed 8 broke too");
                    }
                    return seed;
                }).threads(3).replayWith("raft", SeedRunnerTest.class).runAndCheck(r -> "test simulation: "
                        + r.outcomes().size() + " passed"));
        assertEquals("2 of 10 seeds failed: 3, 8\nfirst failure, seed 3:\n" + boom
                + "\nreplay it: mvn -B -pl raft test -Dtest=SeedRunnerTest -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dsim.seed=3", e.getMessage());
        assertSame(boom, e.getCause());
    }

    @Test
    void seedsComeFromTheTestsCountPropertyOrTheReplayedSeed() {
        String[] names = {"sim.seed", "sim.firstSeed", "sim.testSeeds"};
        String[] saved = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            saved[i] = System.getProperty(names[i]);
        }
        try {
            System.setProperty("sim.seed", "");
            System.clearProperty("sim.firstSeed");
            System.clearProperty("sim.testSeeds");
            assertEquals(new SeedRunner.Seeds(1, 42, false), SeedRunner.Seeds.fromProperties("sim.testSeeds", 42));
            System.setProperty("sim.firstSeed", "101");
            System.setProperty("sim.testSeeds", "7");
            SeedRunner.Seeds range = SeedRunner.Seeds.fromProperties("sim.testSeeds", 42);
            assertEquals(107, range.last());
            System.setProperty("sim.seed", " 8361 ");
            assertEquals(new SeedRunner.Seeds(8361, 1, true), SeedRunner.Seeds.fromProperties("sim.testSeeds", 42));
            System.setProperty("sim.seed", "x");
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> SeedRunner.Seeds.fromProperties("sim.testSeeds", 42));
            assertEquals("-Dsim.seed must be a whole number, was x", bad.getMessage());
        } finally {
            for (int i = 0; i < names.length; i++) {
                if (saved[i] == null) {
                    System.clearProperty(names[i]);
                } else {
                    System.setProperty(names[i], saved[i]);
                }
            }
        }
    }
}
