package io.shardkv.linearizability;

import static io.shardkv.linearizability.KvInput.append;
import static io.shardkv.linearizability.KvInput.cas;
import static io.shardkv.linearizability.KvInput.delete;
import static io.shardkv.linearizability.KvInput.get;
import static io.shardkv.linearizability.KvInput.put;
import static io.shardkv.linearizability.KvOutput.ABSENT;
import static io.shardkv.linearizability.KvOutput.NOT_SWAPPED;
import static io.shardkv.linearizability.KvOutput.NO_KEY;
import static io.shardkv.linearizability.KvOutput.OK;
import static io.shardkv.linearizability.KvOutput.SWAPPED;
import static io.shardkv.linearizability.KvOutput.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Histories a linearizable store can produce; the checker must accept every one. Times are in ns. */
class LinearizableHistoriesTest {

    private static Operation op(long client, KvInput input, KvOutput output, long invoke, long ret) {
        return Operation.completed(client, input, output, invoke, ret);
    }

    private static void assertLinearizable(List<Operation> history) {
        CheckResult result = LinearizabilityChecker.check(history);
        assertTrue(result.isOk(), result::describe);
    }

    @Test
    void emptyHistoryIsLinearizable() {
        CheckResult result = LinearizabilityChecker.check(List.of());
        assertEquals(CheckResult.Outcome.OK, result.outcome());
        assertEquals(0, result.keys());
    }

    @Test
    void sequentialOperationsOfEveryKind() {
        assertLinearizable(List.of(
                op(1, get("x"), ABSENT, 0, 1),
                op(1, delete("x"), NO_KEY, 2, 3),
                op(1, append("x", "a"), OK, 4, 5),
                op(1, put("x", "b"), OK, 6, 7),
                op(1, append("x", "c"), OK, 8, 9),
                op(1, get("x"), value("bc"), 10, 11),
                op(1, cas("x", "b", "d"), NOT_SWAPPED, 12, 13),
                op(1, cas("x", "bc", "d"), SWAPPED, 14, 15),
                op(1, get("x"), value("d"), 16, 17),
                op(1, delete("x"), OK, 18, 19),
                op(1, cas("x", null, "e"), SWAPPED, 20, 21),
                op(1, get("x"), value("e"), 22, 23)));
    }

    @Test
    void readConcurrentWithAWriteMaySeeTheOldValue() {
        assertLinearizable(List.of(
                op(1, put("x", "a"), OK, 0, 10),
                op(1, put("x", "b"), OK, 20, 50),
                op(2, get("x"), value("a"), 25, 40)));
    }

    @Test
    void readConcurrentWithAWriteMaySeeTheNewValue() {
        assertLinearizable(List.of(
                op(1, put("x", "a"), OK, 0, 10),
                op(1, put("x", "b"), OK, 20, 50),
                op(2, get("x"), value("b"), 25, 40)));
    }

    @Test
    void concurrentReadsMaySeeTheWriteInEitherOrderOfTheirIntervals() {
        // The read invoked later saw the old value: fine, the two reads overlap each other and the write.
        assertLinearizable(List.of(
                op(1, put("x", "a"), OK, 0, 100),
                op(2, get("x"), value("a"), 10, 90),
                op(3, get("x"), ABSENT, 20, 80)));
    }

    @Test
    void interleavedAppendsTakeEffectInAnOrderTheReadsAgreeOn() {
        assertLinearizable(List.of(
                op(1, append("x", "1"), OK, 0, 50),
                op(2, append("x", "2"), OK, 10, 20),
                op(3, append("x", "3"), OK, 30, 60),
                op(4, get("x"), value("2"), 21, 25),
                op(4, get("x"), value("213"), 70, 80)));
    }

    @Test
    void casRaceHasExactlyOneWinner() {
        assertLinearizable(List.of(
                op(1, cas("x", null, "a"), NOT_SWAPPED, 0, 50),
                op(2, cas("x", null, "b"), SWAPPED, 5, 40),
                op(3, get("x"), value("b"), 60, 70)));
    }

    @Test
    void timedOutWriteThatTookEffectIsAccepted() {
        assertLinearizable(List.of(
                Operation.timedOut(1, put("x", "a"), 0),
                op(2, get("x"), value("a"), 100, 110),
                op(2, get("x"), value("a"), 120, 130)));
    }

    @Test
    void timedOutWriteThatNeverTookEffectIsAccepted() {
        assertLinearizable(List.of(
                Operation.timedOut(1, put("x", "a"), 0),
                op(2, get("x"), ABSENT, 100, 110),
                op(2, get("x"), ABSENT, 120, 130)));
    }

    @Test
    void timedOutWriteMayTakeEffectLongAfterItsClientMovedOn() {
        assertLinearizable(List.of(
                Operation.timedOut(1, append("x", "a"), 0),
                op(1, append("x", "b"), OK, 100, 110),
                op(2, get("x"), value("b"), 120, 130),
                op(2, get("x"), value("ba"), 1_000, 1_010)));
    }

    @Test
    void timedOutReadsAndCasAreAccepted() {
        assertLinearizable(List.of(
                op(1, put("x", "a"), OK, 0, 10),
                Operation.timedOut(2, get("x"), 20),
                Operation.timedOut(3, cas("x", "a", "b"), 30),
                op(1, get("x"), value("b"), 40, 50)));
    }

    @Test
    void deleteThenGetIsAbsent() {
        assertLinearizable(List.of(
                op(1, put("x", "a"), OK, 0, 10),
                op(1, delete("x"), OK, 20, 30),
                op(2, get("x"), ABSENT, 40, 50),
                op(2, append("x", "b"), OK, 60, 70),
                op(1, get("x"), value("b"), 80, 90)));
    }

    @Test
    void intervalsThatOnlyTouchCountAsConcurrent() {
        // The read is invoked at the nanosecond the write returns: the clock cannot order them.
        assertLinearizable(List.of(
                op(1, put("x", "a"), OK, 0, 10),
                op(2, get("x"), ABSENT, 10, 20)));
    }

    @Test
    void keysAreIndependent() {
        // On one register this would be illegal (x then y, both seen by the second read but not the first);
        // on two keys each read is explained on its own.
        assertLinearizable(List.of(
                op(1, put("x", "1"), OK, 0, 10),
                op(2, put("y", "1"), OK, 0, 10),
                op(3, get("x"), value("1"), 20, 30),
                op(3, get("y"), value("1"), 40, 50)));
    }

    @Test
    void manyKeysWithIdenticalOperationsAreEachChecked() {
        List<Operation> history = new ArrayList<>();
        for (int k = 0; k < 50; k++) {
            history.add(op(k, put("key" + k, "v"), OK, 0, 10));
            history.add(op(k, get("key" + k), value("v"), 20, 30));
        }
        CheckResult result = LinearizabilityChecker.check(history);
        assertTrue(result.isOk(), result::describe);
        assertEquals(50, result.keys());
        assertEquals(100, result.operations());
    }
}
