package io.shardkv.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Self-test against a correct store simulated with random concurrency ({@link RandomHistories}):
 * every generated history must be accepted, and every one with a planted impossible read rejected
 * at that read's key. Small histories with random outputs, legal or not, must get the verdict of
 * the {@link ExhaustiveOracle}. Each seed fixes the whole history; failures name it.
 */
class RandomizedHistoriesTest {

    private static final int SEEDS = 300;

    /** Shapes vary per seed: from one client on one key to ten heavily overlapping clients on one key. */
    private static RandomHistories.Shape shapeFor(Random random) {
        return new RandomHistories.Shape(
                1 + random.nextInt(10),
                1 + random.nextInt(4),
                10 + random.nextInt(200),
                1 + random.nextInt(100),
                random.nextInt(50),
                random.nextInt(3) == 0 ? 0.05 : 0);
    }

    @Test
    void historiesOfACorrectStoreAreAccepted() {
        int timedOut = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            Random random = new Random(seed);
            List<Operation> history = RandomHistories.linearizable(random, shapeFor(random));
            timedOut += (int) history.stream().filter(Operation::isTimedOut).count();
            CheckResult result = LinearizabilityChecker.check(history);
            long s = seed;
            assertTrue(result.isOk(), () -> "seed " + s + ": " + result.describe());
        }
        assertTrue(timedOut > 0, "the generator should produce timed-out operations");
    }

    @Test
    void aReadOfAValueNeverWrittenIsAlwaysRejected() {
        assertMutationsRejected(RandomHistories::readOfNeverWrittenValue);
    }

    @Test
    void aReadOfAValueWrittenOnlyAfterTheReadReturnedIsAlwaysRejected() {
        assertMutationsRejected(RandomHistories::readFromTheFuture);
    }

    @Test
    void verdictsAgreeWithExhaustiveSearchOnSmallHistories() {
        int illegal = 0;
        int histories = 3_000;
        for (long seed = 1; seed <= histories; seed++) {
            Random random = new Random(seed);
            RandomHistories.Shape shape = new RandomHistories.Shape(1 + random.nextInt(4), 1 + random.nextInt(2),
                    1 + random.nextInt(7), 1 + random.nextInt(20), random.nextInt(10), 0.2);
            List<Operation> history = RandomHistories.withRandomOutputs(
                    RandomHistories.linearizable(random, shape), random, 0.3);
            boolean expected = ExhaustiveOracle.linearizable(history);
            CheckResult result = LinearizabilityChecker.check(history);
            long s = seed;
            assertEquals(expected, result.isOk(), () -> "seed " + s + ": oracle says " + expected + " for " + history
                    + " but " + result.describe());
            illegal += expected ? 0 : 1;
        }
        assertTrue(illegal > histories / 10 && illegal < histories * 9 / 10,
                illegal + " of " + histories + " illegal: the comparison should see plenty of both");
    }

    private static void assertMutationsRejected(
            BiFunction<List<Operation>, Random, RandomHistories.Mutation> mutate) {
        int mutated = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            Random random = new Random(seed);
            RandomHistories.Mutation m = mutate.apply(RandomHistories.linearizable(random, shapeFor(random)), random);
            if (m == null) {
                continue;
            }
            mutated++;
            CheckResult result = LinearizabilityChecker.check(m.history());
            long s = seed;
            assertEquals(CheckResult.Outcome.ILLEGAL, result.outcome(),
                    () -> "seed " + s + ": changed " + m.original() + " to " + m.mutated() + " but "
                            + result.describe());
            CounterExample ce = result.counterExample().orElseThrow();
            assertEquals(m.mutated().key(), ce.key(), () -> "seed " + s + ": " + ce.describe());
        }
        assertTrue(mutated > SEEDS / 2, "only " + mutated + " of " + SEEDS + " histories could be mutated");
    }
}
