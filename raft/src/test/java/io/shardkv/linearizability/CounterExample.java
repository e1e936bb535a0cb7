package io.shardkv.linearizability;

import java.util.Arrays;
import java.util.List;

/**
 * Why one key's operations are not linearizable: the longest prefix of a linearization the search
 * found, and the operation that could not come next although it had to — the search reached its
 * return without being able to linearize it. {@link #describe()} renders this as a table.
 */
public final class CounterExample {

    private final Bytes key;
    private final List<Operation> operations;
    private final int[] longestPrefix;
    private final int unplaced;

    /** Indices are into {@code operations}, which are in invocation order. */
    CounterExample(Bytes key, List<Operation> operations, int[] longestPrefix, int unplaced) {
        this.key = key;
        this.operations = List.copyOf(operations);
        this.longestPrefix = longestPrefix.clone();
        this.unplaced = unplaced;
    }

    /** The key whose operations are not linearizable. */
    public Bytes key() {
        return key;
    }

    /**
     * Every operation on the key that the search considered, in invocation order. Timed-out Gets
     * constrain nothing and are left out.
     */
    public List<Operation> operations() {
        return operations;
    }

    /** The longest sequence of operations the search could linearize, in linearization order. */
    public List<Operation> longestPrefix() {
        return Arrays.stream(longestPrefix).mapToObj(operations::get).toList();
    }

    /** The operation that could not be linearized after {@link #longestPrefix()}. */
    public Operation unplaced() {
        return operations.get(unplaced);
    }

    /** A readable explanation: the relevant operations as a table, the prefix and the operation that failed. */
    public String describe() {
        return CounterExampleFormatter.format(key, operations, longestPrefix, unplaced);
    }

    @Override
    public String toString() {
        return describe();
    }
}
