package io.shardkv.linearizability;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The verdict of {@link LinearizabilityChecker} on a history, with a counter-example when it is not linearizable. */
public final class CheckResult {

    /** The three possible verdicts. */
    public enum Outcome {
        /** Every key's operations are linearizable, so the whole history is. */
        OK,
        /** Some key's operations are not linearizable; see {@link CheckResult#counterExample()}. */
        ILLEGAL,
        /** The time budget ran out before some key was decided; no key was found illegal. */
        UNKNOWN
    }

    private final Outcome outcome;
    private final int operations;
    private final int keys;
    private final Duration elapsed;
    private final List<Bytes> undecidedKeys;
    private final CounterExample counterExample;

    private CheckResult(Outcome outcome, int operations, int keys, Duration elapsed, List<Bytes> undecidedKeys,
            CounterExample counterExample) {
        this.outcome = outcome;
        this.operations = operations;
        this.keys = keys;
        this.elapsed = elapsed;
        this.undecidedKeys = List.copyOf(undecidedKeys);
        this.counterExample = counterExample;
    }

    static CheckResult ok(int operations, int keys, Duration elapsed) {
        return new CheckResult(Outcome.OK, operations, keys, elapsed, List.of(), null);
    }

    static CheckResult illegal(int operations, int keys, Duration elapsed, CounterExample counterExample) {
        return new CheckResult(Outcome.ILLEGAL, operations, keys, elapsed, List.of(), counterExample);
    }

    static CheckResult unknown(int operations, int keys, Duration elapsed, List<Bytes> undecidedKeys) {
        return new CheckResult(Outcome.UNKNOWN, operations, keys, elapsed, undecidedKeys, null);
    }

    /** The verdict. */
    public Outcome outcome() {
        return outcome;
    }

    /** Whether the history is linearizable. */
    public boolean isOk() {
        return outcome == Outcome.OK;
    }

    /** Whether the history is shown not to be linearizable. */
    public boolean isIllegal() {
        return outcome == Outcome.ILLEGAL;
    }

    /** For ILLEGAL, the smallest key whose operations are not linearizable, and why. */
    public Optional<CounterExample> counterExample() {
        return Optional.ofNullable(counterExample);
    }

    /** For UNKNOWN, the keys the budget ran out on, in key order; empty otherwise. */
    public List<Bytes> undecidedKeys() {
        return undecidedKeys;
    }

    /** How many operations the history had. */
    public int operations() {
        return operations;
    }

    /** How many distinct keys they touched. */
    public int keys() {
        return keys;
    }

    /** Wall-clock time the check took. */
    public Duration elapsed() {
        return elapsed;
    }

    /** One line for OK and UNKNOWN; the counter-example for ILLEGAL. */
    public String describe() {
        String size = operations + " operations on " + keys + (keys == 1 ? " key" : " keys") + ", checked in "
                + elapsed.toMillis() + " ms";
        return switch (outcome) {
            case OK -> "linearizable: " + size;
            case ILLEGAL -> counterExample.describe() + "(" + size + ")";
            case UNKNOWN -> "unknown: the time budget ran out before deciding "
                    + (undecidedKeys.size() == 1 ? "key " : "keys ")
                    + undecidedKeys.stream().map(Bytes::toString).collect(Collectors.joining(", "))
                    + "; the other keys are linearizable (" + size + ")";
        };
    }

    @Override
    public String toString() {
        return describe();
    }
}
