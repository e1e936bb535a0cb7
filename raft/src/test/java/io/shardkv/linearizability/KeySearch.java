package io.shardkv.linearizability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Decides whether the operations on one key are linearizable: the depth-first search of Wing &amp;
 * Gong as improved by Lowe ("Testing for linearizability", 2017) and implemented by Porcupine, with
 * two additions of our own that keep heavily concurrent single-key histories tractable.
 *
 * <p><b>The search.</b> Walk the events in time order. At a call, try to linearize that operation
 * now: if the model accepts its output from the current state and the resulting (linearized set,
 * state) pair was never reached before ({@link VisitedSet}), take it — lift its events out of the
 * list and rescan from the start. At a return, the operation returning there has not been
 * linearized yet, and it cannot be linearized later than its return: the current prefix is a dead
 * end, so undo the last choice and try the next call after it. The history is linearizable once
 * every operation has been lifted, and is not once backtracking has nothing left to undo.
 *
 * <p><b>Read-only steps are forced, not chosen.</b> If an operation that never changes the state
 * ({@link Transition#readOnly()}) has been invoked and is possible in the current state, any
 * linearization extending the current prefix can be rearranged to take it next: nothing still
 * unlinearized returned before it was invoked (its call precedes every remaining return), and as it
 * leaves the state as it is, every later step sees the same state. So the search takes it at once
 * and tries nothing else there; backtracking undoes forced steps without trying alternatives.
 * Without this every pending read doubles the pairs a concurrent stretch can reach.
 *
 * <p><b>Reads still to come are consulted.</b> At each new prefix, {@link ReadLookahead} checks
 * whether the reads invoked in the next few events can still see what they saw; if one cannot, the
 * prefix is a dead end at once. Without this, concurrent Appends are tried in every order until a
 * read's return rules the order out, and an impossible read is found only when the search reaches
 * it through every prefix before it.
 */
final class KeySearch {

    /** The search polls its stop condition once per this many steps (a power of two). */
    private static final int STOP_POLL_STEPS = 1 << 10;
    /**
     * How many of the remaining events the lookahead scans for reads to judge at each new prefix.
     * Judging more reads prunes sooner but costs more per prefix; 64 covers the reads that overlap
     * the current point with tens of concurrent clients (measured: larger caps bought nothing).
     */
    private static final int LOOKAHEAD_EVENTS = 64;

    /** The result for one key; {@code counterExample} is set only when the outcome is ILLEGAL. */
    record Verdict(Bytes key, CheckResult.Outcome outcome, CounterExample counterExample) {
    }

    private final Bytes key;
    private final List<Operation> ops;
    private final Transition[] transitions;
    private final EventList events;
    private final ReadLookahead lookahead;
    private final VisitedSet visited = new VisitedSet();

    private final OpSet linearized;
    /** Per depth: the call linearized there, whether it was forced, and the state before it. */
    private final int[] chosenCall;
    private final boolean[] forced;
    private final KeyState[] stateBefore;
    private int depth;
    private KeyState state = KeyState.ABSENT;

    /** The deepest dead end so far, for the counter-example. */
    private int[] longestPrefix = new int[0];
    private int blocked = -1;

    /** Numbers the key's operations in invocation order (ties keep their order in {@code ops}). */
    KeySearch(Bytes key, List<Operation> ops) {
        this.key = key;
        List<Operation> byInvoke = new ArrayList<>(ops);
        byInvoke.sort(Comparator.comparingLong(Operation::invokeNanos));
        this.ops = List.copyOf(byInvoke);
        int n = this.ops.size();
        this.transitions = this.ops.stream().map(Transition::of).toArray(Transition[]::new);
        this.events = new EventList(this.ops);
        this.lookahead = new ReadLookahead(this.ops);
        this.linearized = new OpSet(n);
        this.chosenCall = new int[n];
        this.forced = new boolean[n];
        this.stateBefore = new KeyState[n];
    }

    /**
     * Runs the search, once, until it decides or {@code stop} says to give up (then the outcome is
     * UNKNOWN).
     */
    Verdict run(BooleanSupplier stop) {
        long steps = 0;
        boolean newPrefix = true;
        int e = events.first();
        while (!events.isEmpty()) {
            if ((++steps & (STOP_POLL_STEPS - 1)) == 0 && stop.getAsBoolean()) {
                return new Verdict(key, CheckResult.Outcome.UNKNOWN, null);
            }
            boolean deadEnd = false;
            if (newPrefix) {
                newPrefix = false;
                e = events.first();
                int lost = readNoLongerPossible();
                if (lost >= 0) {
                    recordDeadEnd(lost);
                    deadEnd = true;
                } else {
                    int read = possibleReadOnlyCall();
                    if (read >= 0) {
                        if (linearize(read, true)) {
                            newPrefix = true;
                            continue;
                        }
                        // The forced step leads where the search already failed, so this prefix fails too.
                        deadEnd = true;
                    }
                }
            }
            if (!deadEnd) {
                if (events.isCall(e)) {
                    // A read-only call cannot be possible here, or it would have been forced.
                    if (!transitions[events.op(e)].readOnly() && linearize(e, false)) {
                        newPrefix = true;
                    } else {
                        e = events.next(e);
                    }
                    continue;
                }
                recordDeadEnd(events.op(e));
            }
            int undone = backtrack();
            if (undone < 0) {
                return new Verdict(key, CheckResult.Outcome.ILLEGAL,
                        new CounterExample(key, ops, longestPrefix, blocked));
            }
            e = events.next(undone);
        }
        return new Verdict(key, CheckResult.Outcome.OK, null);
    }

    /**
     * A read, invoked among the next {@link #LOOKAHEAD_EVENTS} remaining events, that
     * {@link ReadLookahead} shows can no longer see its output after this prefix; or -1.
     */
    private int readNoLongerPossible() {
        int scanned = 0;
        for (int e = events.first(); !events.isEnd(e) && scanned < LOOKAHEAD_EVENTS; e = events.next(e)) {
            scanned++;
            int op = events.op(e);
            if (events.isCall(e) && lookahead.judges(op) && !lookahead.mayStillSee(op, state, linearized)) {
                return op;
            }
        }
        return -1;
    }

    /** Keeps the deepest dead end for the counter-example: the prefix, and the operation it strands. */
    private void recordDeadEnd(int stranded) {
        if (depth > longestPrefix.length || blocked < 0) {
            longestPrefix = linearizedOps();
            blocked = stranded;
        }
    }

    /** A read-only call before the first remaining return that is possible in the current state, or -1. */
    private int possibleReadOnlyCall() {
        for (int e = events.first(); events.isCall(e); e = events.next(e)) {
            Transition t = transitions[events.op(e)];
            if (t.readOnly() && t.apply(state) != null) {
                return e;
            }
        }
        return -1;
    }

    /** Linearizes the operation of {@code call} next, unless it is impossible or leads to a pair seen before. */
    private boolean linearize(int call, boolean isForced) {
        int op = events.op(call);
        KeyState after = transitions[op].apply(state);
        if (after == null) {
            return false;
        }
        linearized.add(op);
        if (!visited.add(linearized, after)) {
            linearized.remove(op);
            return false;
        }
        chosenCall[depth] = call;
        forced[depth] = isForced;
        stateBefore[depth++] = state;
        state = after;
        events.lift(call);
        return true;
    }

    /**
     * Undoes steps back to and including the last chosen one; returns that call, to try the calls
     * after it, or -1 if no chosen step is left.
     */
    private int backtrack() {
        while (depth > 0) {
            int call = chosenCall[--depth];
            state = stateBefore[depth];
            linearized.remove(events.op(call));
            events.unlift(call);
            if (!forced[depth]) {
                return call;
            }
        }
        return -1;
    }

    private int[] linearizedOps() {
        int[] result = new int[depth];
        for (int i = 0; i < depth; i++) {
            result[i] = events.op(chosenCall[i]);
        }
        return result;
    }
}
