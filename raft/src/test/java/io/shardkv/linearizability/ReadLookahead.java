package io.shardkv.linearizability;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells the search, from the prefix it has linearized, that a read still to come can no longer see
 * what it saw — so the prefix is a dead end now, not only once that read's return is reached.
 *
 * <p>Without it, a stretch of concurrent Appends costs the search every order of them that no read
 * has ruled out yet, and with ten clients appending to one key that is factorial. A read's value
 * spells out the order: from a state that is not a prefix of it, it can only be reached through a
 * reset that writes a prefix of it. Precisely, let U be the operations not yet linearized, other
 * than read R, invoked no later than R returned (only they can come before R), and M those of U
 * that returned before R was invoked (they must). A <em>reset</em> is a Put, a Cas that swapped (or
 * may have) and a Delete that removed (or may have). Then R, having read a non-empty value v, is
 * still possible only if one of these holds:
 * <ol>
 *   <li>no reset is in M, and either the current value is a prefix of v and is v or is continued by
 *   an Append in U writing the next bytes of v, or the key is absent and an Append in U writes the
 *   first bytes of v;</li>
 *   <li>a Put or Cas in U writes a prefix p of v, and p is v or an Append in U that can follow it
 *   (did not return before it was invoked) writes the bytes of v after p;</li>
 *   <li>a Delete is in U, and an Append in U that can follow it writes the first bytes of v.</li>
 * </ol>
 * These are the cases "no reset before R", "the last reset is a Put or Cas", "it is a Delete";
 * each names the first step that must follow. A read that found the key absent is possible only if
 * it is absent now or a Delete is in U. Each condition is necessary, never sufficient: the
 * lookahead only prunes prefixes that cannot succeed, so it never changes a verdict.
 *
 * <p>What each read needs is gathered once, over the operations from the first one not yet
 * linearized to the last one invoked before the read returned, and gathered again if the search
 * backtracks below that.
 */
final class ReadLookahead {

    private final List<Operation> ops;
    private final long[] invokeNanos;
    /** Per operation: what its read needs, built on first use; always null for other operations. */
    private final Needs[] needs;

    /** {@code ops} are one key's operations in invocation order, numbered as in the search. */
    ReadLookahead(List<Operation> ops) {
        this.ops = ops;
        this.invokeNanos = ops.stream().mapToLong(Operation::invokeNanos).toArray();
        this.needs = new Needs[ops.size()];
    }

    /** Whether {@code op} is a read this lookahead can judge: a Get that returned. */
    boolean judges(int op) {
        return ops.get(op).input() instanceof KvInput.Get && !ops.get(op).isTimedOut();
    }

    /**
     * False if the read {@code read}, not yet linearized, certainly cannot see its output anymore
     * after the prefix that left {@code state} and linearized {@code linearized}.
     */
    boolean mayStillSee(int read, KeyState state, OpSet linearized) {
        Needs n = needs[read];
        if (n == null || n.from > linearized.membersBelow()) {
            n = new Needs(read, linearized.membersBelow());
            needs[read] = n;
        }
        return n.mayStillSee(state, linearized);
    }

    /** The index of the last operation invoked no later than {@code nanos}. */
    private int lastInvokedBy(long nanos) {
        int i = Arrays.binarySearch(invokeNanos, nanos);
        if (i < 0) {
            return -i - 2;
        }
        while (i + 1 < invokeNanos.length && invokeNanos[i + 1] == nanos) {
            i++;
        }
        return i;
    }

    /** The operations of U one read needs, each list in descending order. */
    private final class Needs {
        /** Operations below this index were linearized when this was built, and are left out. */
        final int from;
        final Bytes value;
        final long[] valuePrefixHashes;
        final int[] resetsThatMustPrecede;
        final int[] deletes;
        /** Puts and Cas writing a prefix of the value, and that prefix's length. */
        final int[] prefixWrites;
        final int[] prefixLength;
        /** Non-empty Appends; {@link #appendsAt} picks those writing the value's bytes at an offset. */
        final int[] appends;
        private final Map<Integer, int[]> appendsAtOffset = new HashMap<>();

        Needs(int read, int from) {
            this.from = from;
            Operation r = ops.get(read);
            this.value = r.output() instanceof KvOutput.Value v ? v.value() : null;
            this.valuePrefixHashes = value == null ? null : KeyState.prefixHashes(value);
            IntList mustPrecede = new IntList();
            IntList deleteList = new IntList();
            IntList writes = new IntList();
            IntList lengths = new IntList();
            IntList appendList = new IntList();
            for (int x = lastInvokedBy(r.returnNanos()); x >= from; x--) {
                Operation w = ops.get(x);
                if (x == read || w.input() instanceof KvInput.Get) {
                    continue;
                }
                Bytes written = resetValue(w);
                boolean reset = written != null || mayDelete(w);
                if (reset && !w.isTimedOut() && w.returnNanos() < r.invokeNanos()) {
                    mustPrecede.add(x);
                }
                if (mayDelete(w)) {
                    deleteList.add(x);
                } else if (written != null && value != null && startsWith(value, written, 0)) {
                    writes.add(x);
                    lengths.add(written.length());
                } else if (w.input() instanceof KvInput.Append a && a.value().length() > 0) {
                    appendList.add(x);
                }
            }
            this.resetsThatMustPrecede = mustPrecede.toArray();
            this.deletes = deleteList.toArray();
            this.prefixWrites = writes.toArray();
            this.prefixLength = lengths.toArray();
            this.appends = appendList.toArray();
        }

        /** The Appends writing the value's bytes at {@code offset}, found when first asked for. */
        int[] appendsAt(int offset) {
            return appendsAtOffset.computeIfAbsent(offset, o -> {
                IntList found = new IntList();
                for (int x : appends) {
                    if (startsWith(value, ((KvInput.Append) ops.get(x).input()).value(), o)) {
                        found.add(x);
                    }
                }
                return found.toArray();
            });
        }

        boolean mayStillSee(KeyState state, OpSet linearized) {
            if (value == null) {
                return state.isAbsent() || anyLeft(deletes, linearized, Long.MIN_VALUE);
            }
            if (value.length() == 0) {
                return true;
            }
            if (!anyLeft(resetsThatMustPrecede, linearized, Long.MIN_VALUE)) {
                if (state.isAbsent() ? anyLeft(appendsAt(0), linearized, Long.MIN_VALUE)
                        : state.mayBePrefixOf(valuePrefixHashes) && (state.length() == value.length()
                                || anyLeft(appendsAt(state.length()), linearized, Long.MIN_VALUE))) {
                    return true;
                }
            }
            for (int i = 0; i < prefixWrites.length && prefixWrites[i] >= linearized.membersBelow(); i++) {
                int x = prefixWrites[i];
                if (!linearized.contains(x) && (prefixLength[i] == value.length()
                        || anyLeft(appendsAt(prefixLength[i]), linearized, invokeNanos[x]))) {
                    return true;
                }
            }
            for (int i = 0; i < deletes.length && deletes[i] >= linearized.membersBelow(); i++) {
                int x = deletes[i];
                if (!linearized.contains(x) && anyLeft(appendsAt(0), linearized, invokeNanos[x])) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A growable list of ints, to gather operation numbers without boxing. */
    private static final class IntList {
        private int[] items = new int[8];
        private int size;

        void add(int item) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = item;
        }

        int[] toArray() {
            return Arrays.copyOf(items, size);
        }
    }

    /** Whether one of {@code candidates} is not linearized and did not return before {@code notBefore}. */
    private boolean anyLeft(int[] candidates, OpSet linearized, long notBefore) {
        int bound = linearized.membersBelow();
        for (int x : candidates) {
            if (x < bound) {
                return false;
            }
            if (!linearized.contains(x) && ops.get(x).returnNanos() >= notBefore) {
                return true;
            }
        }
        return false;
    }

    /** The value a Put, or a Cas that swapped or may have, writes; null for anything else. */
    private static Bytes resetValue(Operation w) {
        if (w.input() instanceof KvInput.Put put) {
            return put.value();
        }
        if (w.input() instanceof KvInput.Cas cas && w.output() != KvOutput.NOT_SWAPPED) {
            return cas.newValue();
        }
        return null;
    }

    /** Whether {@code w} is a Delete that removed the key or may have. */
    private static boolean mayDelete(Operation w) {
        return w.input() instanceof KvInput.Delete && w.output() != KvOutput.NO_KEY;
    }

    private static boolean startsWith(Bytes value, Bytes part, int offset) {
        byte[] v = value.array();
        byte[] p = part.array();
        return offset + p.length <= v.length && Arrays.equals(v, offset, offset + p.length, p, 0, p.length);
    }
}
