package io.shardkv.linearizability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Checks whether a key/value history is linearizable (Herlihy &amp; Wing, 1990): whether every
 * operation can be given a single point between its invocation and its return such that, taken in
 * the order of those points, the operations' outputs are those of a sequential key/value store
 * starting empty.
 *
 * <p>Every operation touches one key, and linearizability is compositional, so the history is split
 * by key and each key is searched on its own ({@link KeySearch}), in parallel on the common
 * fork/join pool — the P-compositionality of Horn &amp; Kroening, as in Porcupine's KV model. The
 * history is linearizable if and only if every key's part is.
 *
 * <p>The result is deterministic when the budget does not run out: if several keys are illegal,
 * the smallest key is reported, and searches of larger keys stop as soon as a smaller one is found
 * illegal, since they could not change the verdict.
 */
public final class LinearizabilityChecker {

    private LinearizabilityChecker() {
    }

    /** Checks {@code history} with no time limit. */
    public static CheckResult check(Collection<Operation> history) {
        return search(history, Long.MAX_VALUE);
    }

    /**
     * Checks {@code history}, giving up with {@link CheckResult.Outcome#UNKNOWN} once {@code budget}
     * of wall-clock time has passed without deciding every key.
     */
    public static CheckResult check(Collection<Operation> history, Duration budget) {
        Objects.requireNonNull(budget, "budget");
        if (budget.isNegative()) {
            throw new IllegalArgumentException("budget must not be negative, was " + budget);
        }
        long budgetNanos = budget.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : budget.toNanos();
        return search(history, budgetNanos);
    }

    private static CheckResult search(Collection<Operation> history, long budgetNanos) {
        Objects.requireNonNull(history, "history");
        long start = System.nanoTime();
        Map<Bytes, List<Operation>> byKey = new TreeMap<>();
        for (Operation op : history) {
            Objects.requireNonNull(op, "history holds a null operation");
            // A timed-out Get has no effect and no output to explain, so it can be placed anywhere;
            // leaving it in would only make the search try it at every point.
            if (op.isTimedOut() && op.input() instanceof KvInput.Get) {
                continue;
            }
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        AtomicReference<Bytes> smallestIllegal = new AtomicReference<>();
        List<KeySearch.Verdict> verdicts = byKey.entrySet().parallelStream()
                .map(entry -> {
                    Bytes key = entry.getKey();
                    KeySearch.Verdict v = new KeySearch(key, entry.getValue()).run(
                            () -> System.nanoTime() - start > budgetNanos || isBelow(smallestIllegal.get(), key));
                    if (v.outcome() == CheckResult.Outcome.ILLEGAL) {
                        smallestIllegal.accumulateAndGet(key, (a, b) -> a == null || b.compareTo(a) < 0 ? b : a);
                    }
                    return v;
                })
                .toList();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        int operations = history.size();
        int keys = (int) history.stream().map(Operation::key).distinct().count();
        List<Bytes> undecided = new ArrayList<>();
        for (KeySearch.Verdict v : verdicts) {
            if (v.outcome() == CheckResult.Outcome.ILLEGAL) {
                return CheckResult.illegal(operations, keys, elapsed, v.counterExample());
            }
            if (v.outcome() == CheckResult.Outcome.UNKNOWN) {
                undecided.add(v.key());
            }
        }
        return undecided.isEmpty() ? CheckResult.ok(operations, keys, elapsed)
                : CheckResult.unknown(operations, keys, elapsed, undecided);
    }

    private static boolean isBelow(Bytes illegal, Bytes key) {
        return illegal != null && illegal.compareTo(key) < 0;
    }
}
