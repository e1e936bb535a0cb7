package io.shardkv.linearizability;

import static io.shardkv.linearizability.KvInput.append;
import static io.shardkv.linearizability.KvInput.cas;
import static io.shardkv.linearizability.KvInput.delete;
import static io.shardkv.linearizability.KvInput.get;
import static io.shardkv.linearizability.KvInput.put;
import static io.shardkv.linearizability.KvOutput.ABSENT;
import static io.shardkv.linearizability.KvOutput.NO_KEY;
import static io.shardkv.linearizability.KvOutput.OK;
import static io.shardkv.linearizability.KvOutput.SWAPPED;
import static io.shardkv.linearizability.KvOutput.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Histories no linearizable store can produce; the checker must reject each and name the key, the
 * operation that cannot be placed and why. The counter-examples are printed to show what a failing
 * test reports. Times are in ns.
 */
class NonLinearizableHistoriesTest {

    private static Operation op(long client, KvInput input, KvOutput output, long invoke, long ret) {
        return Operation.completed(client, input, output, invoke, ret);
    }

    /** Checks that {@code history} is rejected on {@code key} because {@code unplaced} cannot be placed. */
    private static CounterExample assertIllegal(List<Operation> history, String key, Operation unplaced) {
        CheckResult result = LinearizabilityChecker.check(history);
        assertEquals(CheckResult.Outcome.ILLEGAL, result.outcome(), result::describe);
        CounterExample ce = result.counterExample().orElseThrow();
        System.out.println(result.describe());
        assertEquals(Bytes.of(key), ce.key(), ce::describe);
        assertSame(unplaced, ce.unplaced(), ce::describe);
        assertTrue(ce.describe().contains("<- cannot be placed"), ce::describe);
        return ce;
    }

    @Test
    void staleReadAfterACompletedWriteIsRejected() {
        Operation stale = op(2, get("x"), value("a"), 40, 50);
        CounterExample ce = assertIllegal(List.of(
                op(1, put("x", "a"), OK, 0, 10),
                op(1, put("x", "b"), OK, 20, 30),
                stale), "x", stale);
        // Once "a" is written, the read can only be explained before #1 overwrites it, and it must
        // follow #1: the search sees that at once, after the first write.
        assertEquals(1, ce.longestPrefix().size());
        assertTrue(ce.describe().contains("it must follow #1, which returned before it was invoked"), ce::describe);
    }

    @Test
    void lostAppendIsRejected() {
        Operation read = op(3, get("x"), value("a"), 40, 50);
        assertIllegal(List.of(
                op(1, append("x", "a"), OK, 0, 10),
                op(2, append("x", "b"), OK, 5, 30),
                read), "x", read);
    }

    @Test
    void duplicatedAppendIsRejected() {
        Operation read = op(3, get("x"), value("[1][2][1]"), 20, 30);
        assertIllegal(List.of(
                op(1, append("x", "[1]"), OK, 0, 10),
                op(2, append("x", "[2]"), OK, 5, 15),
                read), "x", read);
    }

    @Test
    void readOfAValueNeverWrittenIsRejected() {
        Operation read = op(2, get("x"), value("z"), 5, 15);
        assertIllegal(List.of(
                op(1, put("x", "a"), OK, 0, 20),
                read), "x", read);
    }

    @Test
    void casThatSucceededWhenItShouldHaveFailedIsRejected() {
        Operation wrongCas = op(2, cas("x", "a", "c"), SWAPPED, 40, 50);
        assertIllegal(List.of(
                op(1, put("x", "a"), OK, 0, 10),
                op(1, put("x", "b"), OK, 20, 30),
                wrongCas), "x", wrongCas);
    }

    @Test
    void sequentialReadsGoingBackwardsAreRejected() {
        // The write of "b" spans both reads, so either read alone is fine; together they go back in time.
        Operation second = op(2, get("x"), value("a"), 40, 50);
        assertIllegal(List.of(
                op(1, put("x", "a"), OK, 0, 10),
                op(3, put("x", "b"), OK, 5, 100),
                op(2, get("x"), value("b"), 20, 30),
                second), "x", second);
    }

    @Test
    void deleteReportingNoKeyForAnExistingKeyIsRejected() {
        Operation del = op(2, delete("x"), NO_KEY, 20, 30);
        assertIllegal(List.of(
                op(1, put("x", "a"), OK, 0, 10),
                del), "x", del);
    }

    @Test
    void timedOutWriteCannotTakeEffectBeforeItWasInvoked() {
        Operation read = op(2, get("x"), value("a"), 0, 10);
        assertIllegal(List.of(
                read,
                Operation.timedOut(1, put("x", "a"), 20)), "x", read);
    }

    @Test
    void timedOutWriteCannotBeSeenAndThenUnseen() {
        Operation read = op(2, get("x"), ABSENT, 30, 40);
        assertIllegal(List.of(
                Operation.timedOut(1, put("x", "a"), 0),
                op(2, get("x"), value("a"), 10, 20),
                read), "x", read);
    }

    @Test
    void theSmallestIllegalKeyIsReported() {
        Operation staleB = op(2, get("b"), ABSENT, 20, 30);
        assertIllegal(List.of(
                op(1, put("c", "1"), OK, 0, 10),
                op(2, get("c"), ABSENT, 20, 30),
                op(1, put("a", "1"), OK, 0, 10),
                op(2, get("a"), value("1"), 20, 30),
                op(1, put("b", "1"), OK, 0, 10),
                staleB), "b", staleB);
    }

    @Test
    void counterExampleOfALongHistoryShowsOnlyTheDeadEnd() {
        List<Operation> history = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            history.add(op(i % 3, append("x", "."), OK, 100L * i, 100L * i + 50));
        }
        Operation lost = op(7, get("x"), value(".".repeat(299)), 100_000, 100_010);
        history.add(lost);
        CounterExample ce = assertIllegal(history, "x", lost);
        String text = ce.describe();
        assertTrue(text.contains("more not shown"), text);
        assertTrue(text.lines().count() < 20, text);
        assertEquals(300, ce.longestPrefix().size());
    }
}
