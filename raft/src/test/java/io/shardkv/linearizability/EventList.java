package io.shardkv.linearizability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The call and return events of one key's operations in time order, as a doubly linked list from
 * which the search lifts an operation (both its events) when it linearizes it and puts it back,
 * in reverse order, when it backtracks — Knuth's dancing links, so both are O(1).
 *
 * <p>At equal times calls come before returns: an operation returning at the very nanosecond
 * another is invoked is treated as concurrent with it, since the clock cannot prove an order.
 */
final class EventList {

    private static final int HEAD = 0;

    private final int tail;
    private final int[] next;
    private final int[] prev;
    /** The operation of each event. */
    private final int[] op;
    /** For a call event, its operation's return event; -1 for a return event. */
    private final int[] returnOf;

    private record Event(long time, boolean call, int op) {
    }

    /** The events of {@code ops}, whose indices name the operations from now on. */
    EventList(List<Operation> ops) {
        List<Event> events = new ArrayList<>(2 * ops.size());
        for (int i = 0; i < ops.size(); i++) {
            events.add(new Event(ops.get(i).invokeNanos(), true, i));
            events.add(new Event(ops.get(i).returnNanos(), false, i));
        }
        events.sort(Comparator.comparingLong(Event::time)
                .thenComparing(e -> !e.call())
                .thenComparingInt(Event::op));
        tail = events.size() + 1;
        next = new int[tail + 1];
        prev = new int[tail + 1];
        op = new int[tail + 1];
        returnOf = new int[tail + 1];
        Arrays.fill(returnOf, -1);
        int[] callEvent = new int[ops.size()];
        for (int e = 1; e < tail; e++) {
            Event event = events.get(e - 1);
            op[e] = event.op();
            if (event.call()) {
                callEvent[event.op()] = e;
            } else {
                returnOf[callEvent[event.op()]] = e;
            }
        }
        for (int e = HEAD; e < tail; e++) {
            next[e] = e + 1;
            prev[e + 1] = e;
        }
    }

    boolean isEmpty() {
        return next[HEAD] == tail;
    }

    /** The first event still in the list (a sentinel that is neither call nor return if it is empty). */
    int first() {
        return next[HEAD];
    }

    /**
     * The event after {@code e}. A scan from a call always meets a return before the end of the list,
     * since every operation's call precedes its own return.
     */
    int next(int e) {
        return next[e];
    }

    /** Whether {@code e} is the end of the list, past every remaining event. */
    boolean isEnd(int e) {
        return e == tail;
    }

    boolean isCall(int e) {
        return returnOf[e] >= 0;
    }

    int op(int e) {
        return op[e];
    }

    /** Removes the call event {@code call} and its return event. */
    void lift(int call) {
        unlink(call);
        unlink(returnOf[call]);
    }

    /** Restores what {@link #lift} removed; lifts must be undone in reverse order. */
    void unlift(int call) {
        relink(returnOf[call]);
        relink(call);
    }

    private void unlink(int e) {
        next[prev[e]] = next[e];
        prev[next[e]] = prev[e];
    }

    private void relink(int e) {
        next[prev[e]] = e;
        prev[next[e]] = e;
    }
}
