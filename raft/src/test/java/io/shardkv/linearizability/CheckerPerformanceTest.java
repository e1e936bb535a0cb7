package io.shardkv.linearizability;

import static io.shardkv.linearizability.KvInput.append;
import static io.shardkv.linearizability.KvInput.get;
import static io.shardkv.linearizability.KvInput.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Large and adversarial histories. Check times are printed, never asserted: this machine is shared
 * and busy, and speed is a measurement, not a test.
 */
class CheckerPerformanceTest {

    private static CheckResult checkAndPrint(String what, List<Operation> history) {
        CheckResult result = LinearizabilityChecker.check(history);
        System.out.println("linearizability: " + what + " checked in " + result.elapsed().toMillis() + " ms ("
                + result.outcome() + ")");
        return result;
    }

    @Test
    void tenThousandOperationsFromSixteenClientsOnTwentyKeys() {
        List<Operation> history = RandomHistories.linearizable(new Random(42),
                new RandomHistories.Shape(16, 20, 10_000, 100, 20, 0));
        CheckResult result = checkAndPrint("10000 ops, 16 clients, 20 keys", history);
        assertTrue(result.isOk(), result::describe);
        assertEquals(20, result.keys());
    }

    @Test
    void tenThousandOperationsWithOnePercentTimedOut() {
        List<Operation> history = RandomHistories.linearizable(new Random(43),
                new RandomHistories.Shape(16, 20, 10_000, 100, 20, 0.01));
        CheckResult result = checkAndPrint("10000 ops, 16 clients, 20 keys, 1% timed out", history);
        assertTrue(result.isOk(), result::describe);
    }

    @Test
    void twoHundredHeavilyOverlappingOperationsOnOneKey() {
        // Latency up to 100 with pauses under 5: each operation overlaps most of the other nine clients'.
        List<Operation> history = RandomHistories.linearizable(new Random(44),
                new RandomHistories.Shape(10, 1, 200, 100, 5, 0));
        CheckResult result = checkAndPrint("200 ops, 10 clients, 1 key", history);
        assertTrue(result.isOk(), result::describe);
    }

    @Test
    void heavilyOverlappingSingleKeyHistoriesOfManySeeds() {
        // The tail matters more than the median: without the read lookahead, 4 of these 100 ran past
        // 3 s (seed 1043 past 30 s), the search trying concurrent Appends in every order.
        int seeds = 100;
        long[] millis = new long[seeds];
        for (int s = 0; s < seeds; s++) {
            List<Operation> history = RandomHistories.linearizable(new Random(1_000 + s),
                    new RandomHistories.Shape(10, 1, 200, 100, 5, 0));
            CheckResult result = LinearizabilityChecker.check(history);
            long seed = 1_000 + s;
            assertTrue(result.isOk(), () -> "seed " + seed + ": " + result.describe());
            millis[s] = result.elapsed().toMillis();
        }
        Arrays.sort(millis);
        System.out.println("linearizability: " + seeds + " histories of 200 ops, 10 clients, 1 key checked in "
                + millis[seeds / 2] + " ms median, " + millis[seeds - 1] + " ms max");
    }

    @Test
    void tenThousandOperationsWithOneImpossibleReadAreRejected() {
        List<Operation> history = RandomHistories.linearizable(new Random(45),
                new RandomHistories.Shape(16, 20, 10_000, 100, 20, 0));
        RandomHistories.Mutation m = RandomHistories.readFromTheFuture(history, new Random(45));
        CheckResult result = checkAndPrint("10000 ops with one impossible read", m.history());
        assertEquals(CheckResult.Outcome.ILLEGAL, result.outcome(), result::describe);
        assertEquals(m.mutated().key(), result.counterExample().orElseThrow().key());
    }

    @Test
    void exhaustedBudgetGivesUnknown() {
        // Thirty concurrent appends that may or may not have happened, then a read of one append more
        // than there were: refuting it means trying every subset of the appends, far beyond any budget.
        List<Operation> history = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            history.add(Operation.timedOut(i, append("x", "."), i));
        }
        history.add(Operation.completed(99, get("x"), KvOutput.value(".".repeat(31)), 100, 110));
        history.add(Operation.completed(99, put("y", "1"), KvOutput.OK, 0, 10));
        CheckResult result = LinearizabilityChecker.check(history, Duration.ofMillis(100));
        System.out.println(result.describe());
        assertEquals(CheckResult.Outcome.UNKNOWN, result.outcome(), result::describe);
        assertEquals(List.of(Bytes.of("x")), result.undecidedKeys());
    }
}
