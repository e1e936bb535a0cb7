package io.shardkv.linearizability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link CounterExample}: the operations as a table in invocation order, each with its
 * place in the longest linearizable prefix, then that prefix's final state and why the operation
 * after it could not be placed. Long histories show only what matters at the dead end: the end of
 * the prefix and every operation invoked before the blocked one returned but left out of it.
 */
final class CounterExampleFormatter {

    /** Histories up to this many operations are shown whole. */
    private static final int SHOW_ALL = 30;
    /** How many of the prefix's last operations are shown (and listed) for context. */
    private static final int PREFIX_TAIL = 8;

    private final Bytes key;
    private final List<Operation> ops;
    private final int[] prefix;
    private final int unplaced;
    /** Each operation's 1-based place in the prefix, 0 if it is not in it. */
    private final int[] position;
    private final long t0;
    private final DisplayUnit unit;
    private final StringBuilder out = new StringBuilder();

    private CounterExampleFormatter(Bytes key, List<Operation> ops, int[] prefix, int unplaced) {
        this.key = key;
        this.ops = ops;
        this.prefix = prefix;
        this.unplaced = unplaced;
        this.position = new int[ops.size()];
        for (int i = 0; i < prefix.length; i++) {
            position[prefix[i]] = i + 1;
        }
        this.t0 = ops.get(0).invokeNanos();
        this.unit = DisplayUnit.forSpan(ops.stream()
                .mapToLong(o -> (o.isTimedOut() ? o.invokeNanos() : o.returnNanos()) - t0).max().orElse(0));
    }

    /** {@code ops} in invocation order; {@code prefix} and {@code unplaced} index into them. */
    static String format(Bytes key, List<Operation> ops, int[] prefix, int unplaced) {
        CounterExampleFormatter f = new CounterExampleFormatter(key, ops, prefix, unplaced);
        f.appendHeader();
        f.appendOperations();
        f.appendExplanation();
        return f.out.toString();
    }

    private void appendHeader() {
        out.append("not linearizable: no order of the ").append(ops.size()).append(" operations on key ").append(key)
                .append(" that respects real time explains all their outputs\n");
        out.append("times are ").append(unit.symbol).append(" since the first invoke on this key (t0 = ").append(t0)
                .append(" ns)\n");
    }

    private void appendOperations() {
        Operation blocked = ops.get(unplaced);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"op", "client", "operation", "output", "invoke", "return", "linearized", ""});
        for (int i = 0; i < ops.size(); i++) {
            Operation o = ops.get(i);
            boolean leftOutAtDeadEnd = position[i] == 0 && o.invokeNanos() <= blocked.returnNanos();
            boolean endOfPrefix = position[i] > prefix.length - PREFIX_TAIL;
            if (ops.size() <= SHOW_ALL || leftOutAtDeadEnd || endOfPrefix) {
                rows.add(new String[] {"#" + i, Long.toString(o.clientId()), o.input().toString(),
                    o.isTimedOut() ? "? (timed out)" : o.output().toString(), unit.format(o.invokeNanos(), t0),
                    unit.format(o.returnNanos(), t0), position[i] == 0 ? "-" : Integer.toString(position[i]),
                    i == unplaced ? "<- cannot be placed" : ""});
            }
        }
        appendTable(rows);
        int hidden = ops.size() - (rows.size() - 1);
        if (hidden > 0) {
            out.append("  (").append(hidden).append(" more not shown: earlier parts of the prefix, and operations"
                    + " invoked after #").append(unplaced).append(" returned)\n");
        }
    }

    private void appendExplanation() {
        KeyState state = KeyState.ABSENT;
        for (int op : prefix) {
            state = Transition.of(ops.get(op)).apply(state);
        }
        out.append("longest linearizable prefix: ").append(prefix.length).append(" of ").append(ops.size())
                .append(" operations");
        if (prefix.length > 0) {
            out.append(prefix.length > PREFIX_TAIL ? ", ending " : ": ");
            int from = Math.max(0, prefix.length - PREFIX_TAIL);
            out.append(String.join(", ", Arrays.stream(prefix, from, prefix.length).mapToObj(i -> "#" + i).toList()));
        }
        out.append("; then ").append(state.isAbsent() ? "the key is absent" : "the value is " + state).append('\n');

        Operation blocked = ops.get(unplaced);
        out.append('#').append(unplaced).append(" (client ").append(blocked.clientId()).append(' ')
                .append(blocked.input()).append(" -> ").append(blocked.isTimedOut() ? "?" : blocked.output())
                .append(blocked.isTimedOut() ? ") cannot follow this prefix:\n"
                        : ") had to take effect by its return at " + unit.format(blocked.returnNanos(), t0) + " "
                                + unit.symbol + ", but cannot follow this prefix:\n");
        List<String> before = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            if (position[i] == 0 && i != unplaced && ops.get(i).returnNanos() < blocked.invokeNanos()) {
                before.add("#" + i);
            }
        }
        if (!before.isEmpty()) {
            out.append("  - it must follow ").append(String.join(", ", before))
                    .append(", which returned before it was invoked\n");
        }
        if (Transition.of(blocked).apply(state) == null) {
            out.append("  - its output does not fit that state\n");
        }
        boolean alwaysFits = blocked.isTimedOut() || blocked.input() instanceof KvInput.Put
                || blocked.input() instanceof KvInput.Append;
        out.append(alwaysFits
                ? "  - every way of placing it after this prefix leads to a dead end later\n"
                : "  - no order of the operations that may still come before it leads to a state its output fits\n");
    }

    /** Appends rows as columns: text left-aligned, numbers right-aligned. */
    private void appendTable(List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int c = 0; c < columns; c++) {
                boolean rightAligned = c == 1 || c == 4 || c == 5;
                String pad = " ".repeat(width[c] - row[c].length());
                line.append(rightAligned ? pad + row[c] : row[c] + pad).append("  ");
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /** The unit times are shown in: the finest one in which the history's span stays under 100,000. */
    private enum DisplayUnit {
        NANOS("ns", 1), MICROS("us", 1_000), MILLIS("ms", 1_000_000);

        final String symbol;
        final long nanos;

        DisplayUnit(String symbol, long nanos) {
            this.symbol = symbol;
            this.nanos = nanos;
        }

        static DisplayUnit forSpan(long spanNanos) {
            if (spanNanos < 100_000) {
                return NANOS;
            }
            return spanNanos < 100_000_000 ? MICROS : MILLIS;
        }

        String format(long time, long t0) {
            if (time == Operation.NEVER) {
                return "never";
            }
            return this == NANOS ? Long.toString(time - t0)
                    : String.format(Locale.ROOT, "%.3f", (time - t0) / (double) nanos);
        }
    }
}
