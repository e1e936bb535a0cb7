package io.shardkv.linearizability;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The definition of linearizability, executed literally, as an oracle for small histories: try
 * every order of the operations that respects real time, on a plain map, and accept if one
 * explains every output. Timed-out operations may be left out (never took effect) and accept any
 * output. Exponential; meant for at most about eight operations. Shares nothing with the checker
 * but the value types.
 */
final class ExhaustiveOracle {

    private ExhaustiveOracle() {
    }

    static boolean linearizable(List<Operation> history) {
        return search(history, (1L << history.size()) - 1, new HashMap<>());
    }

    /** Whether the operations in {@code remaining} (a bit mask) can follow, starting from {@code store}. */
    private static boolean search(List<Operation> ops, long remaining, Map<Bytes, Bytes> store) {
        boolean onlyTimedOutLeft = true;
        for (int i = 0; i < ops.size(); i++) {
            if ((remaining & (1L << i)) != 0 && !ops.get(i).isTimedOut()) {
                onlyTimedOutLeft = false;
            }
        }
        if (onlyTimedOutLeft) {
            return true;
        }
        for (int i = 0; i < ops.size(); i++) {
            if ((remaining & (1L << i)) == 0 || mustWait(ops, remaining, i)) {
                continue;
            }
            Map<Bytes, Bytes> next = new HashMap<>(store);
            KvOutput actual = apply(next, ops.get(i).input());
            KvOutput recorded = ops.get(i).output();
            if ((recorded == null || recorded.equals(actual)) && search(ops, remaining & ~(1L << i), next)) {
                return true;
            }
        }
        return false;
    }

    /** Whether some remaining operation returned strictly before operation {@code i} was invoked. */
    private static boolean mustWait(List<Operation> ops, long remaining, int i) {
        for (int j = 0; j < ops.size(); j++) {
            if (j != i && (remaining & (1L << j)) != 0 && ops.get(j).returnNanos() < ops.get(i).invokeNanos()) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code input} on {@code store} and returns what it reports. */
    private static KvOutput apply(Map<Bytes, Bytes> store, KvInput input) {
        Bytes key = input.key();
        Bytes current = store.get(key);
        if (input instanceof KvInput.Get) {
            return current == null ? KvOutput.ABSENT : KvOutput.value(current);
        }
        if (input instanceof KvInput.Put put) {
            store.put(key, put.value());
            return KvOutput.OK;
        }
        if (input instanceof KvInput.Append append) {
            store.put(key, current == null ? append.value() : current.concat(append.value()));
            return KvOutput.OK;
        }
        if (input instanceof KvInput.Delete) {
            return store.remove(key) != null ? KvOutput.OK : KvOutput.NO_KEY;
        }
        KvInput.Cas cas = (KvInput.Cas) input;
        boolean matches = current == null ? cas.expected() == null : current.equals(cas.expected());
        if (matches) {
            store.put(key, cas.newValue());
        }
        return KvOutput.casResult(matches);
    }
}
