package io.shardkv.linearizability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates histories of a correct store, to test the checker against: clients issue random
 * operations back to back, each takes effect at a random point inside its interval, and outputs are
 * computed by applying the operations to a plain map in the order of those points — so every
 * generated history is linearizable by construction, whatever the concurrency.
 *
 * <p>A timed-out operation takes effect with probability 1/2, at a random point after its
 * invocation that may lie long after its client moved on, as a request stuck in the network would.
 * Every written value is a unique token {@code [client.n]}, so a value never written, or one first
 * written after a read returned, can be planted to make a history certainly illegal.
 */
final class RandomHistories {

    /**
     * How a generated history looks. Times are in microseconds (stored as nanoseconds).
     *
     * @param clients     concurrent clients, each running one operation at a time
     * @param keys        distinct keys, chosen uniformly
     * @param operations  operations in total
     * @param maxLatency  longest time from invoke to return; an operation's effect lies inside
     * @param maxThink    longest pause of a client between two operations
     * @param timeoutRate fraction of operations that time out
     */
    record Shape(int clients, int keys, int operations, int maxLatency, int maxThink, double timeoutRate) {
    }

    /** A history with one output changed, and which operation was changed. */
    record Mutation(List<Operation> history, Operation original, Operation mutated) {
    }

    private static final long MICROS = 1_000;

    private RandomHistories() {
    }

    private static final class Planned {
        final int index;
        final long client;
        final KvInput input;
        final long invoke;
        final long ret;
        /** When it takes effect, or -1 if it never does. */
        final long effect;
        KvOutput output;

        Planned(int index, long client, KvInput input, long invoke, long ret, long effect) {
            this.index = index;
            this.client = client;
            this.input = input;
            this.invoke = invoke;
            this.ret = ret;
            this.effect = effect;
        }
    }

    static List<Operation> linearizable(Random random, Shape shape) {
        long[] freeAt = new long[shape.clients()];
        for (int c = 0; c < freeAt.length; c++) {
            freeAt[c] = random.nextInt(shape.maxThink() + 1);
        }
        Map<Bytes, List<Bytes>> written = new HashMap<>();
        List<Planned> plan = new ArrayList<>(shape.operations());
        for (int i = 0; i < shape.operations(); i++) {
            int c = 0;
            for (int d = 1; d < freeAt.length; d++) {
                if (freeAt[d] < freeAt[c]) {
                    c = d;
                }
            }
            long invoke = freeAt[c];
            KvInput input = randomInput(random, shape.keys(), "[" + c + "." + i + "]", written);
            if (random.nextDouble() < shape.timeoutRate()) {
                long effect = random.nextBoolean() ? invoke + random.nextInt(3 * shape.maxLatency()) : -1;
                plan.add(new Planned(i, c, input, invoke, Operation.NEVER, effect));
                freeAt[c] = invoke + shape.maxLatency() + random.nextInt(shape.maxThink() + 1);
            } else {
                int latency = 1 + random.nextInt(shape.maxLatency());
                long ret = invoke + latency;
                plan.add(new Planned(i, c, input, invoke, ret, invoke + random.nextInt(latency + 1)));
                freeAt[c] = ret + random.nextInt(shape.maxThink() + 1);
            }
        }
        applyInEffectOrder(plan);
        return plan.stream()
                .map(p -> p.ret == Operation.NEVER
                        ? Operation.timedOut(p.client, p.input, p.invoke * MICROS)
                        : Operation.completed(p.client, p.input, p.output, p.invoke * MICROS, p.ret * MICROS))
                .toList();
    }

    private static KvInput randomInput(Random random, int keys, String token, Map<Bytes, List<Bytes>> written) {
        Bytes key = Bytes.of("k" + random.nextInt(keys));
        Bytes value = Bytes.of(token);
        List<Bytes> writtenToKey = written.computeIfAbsent(key, k -> new ArrayList<>());
        int dice = random.nextInt(100);
        if (dice < 40) {
            return new KvInput.Get(key);
        }
        if (dice < 55) {
            writtenToKey.add(value);
            return new KvInput.Put(key, value);
        }
        if (dice < 80) {
            return new KvInput.Append(key, value);
        }
        if (dice < 85) {
            return new KvInput.Delete(key);
        }
        // Expect one of the last few whole values written, or absence, so that some Cas succeed.
        Bytes expected = writtenToKey.isEmpty() || random.nextInt(4) == 0 ? null
                : writtenToKey.get(Math.max(0, writtenToKey.size() - 1 - random.nextInt(3)));
        writtenToKey.add(value);
        return new KvInput.Cas(key, expected, value);
    }

    /** Sets each operation's output by running the ones that take effect, in effect order, on a map. */
    private static void applyInEffectOrder(List<Planned> plan) {
        Map<Bytes, Bytes> store = new HashMap<>();
        List<Planned> effective = new ArrayList<>(plan.stream().filter(p -> p.effect >= 0).toList());
        effective.sort(Comparator.<Planned>comparingLong(p -> p.effect).thenComparingInt(p -> p.index));
        for (Planned p : effective) {
            Bytes key = p.input.key();
            Bytes current = store.get(key);
            if (p.input instanceof KvInput.Get) {
                p.output = current == null ? KvOutput.ABSENT : KvOutput.value(current);
            } else if (p.input instanceof KvInput.Put put) {
                store.put(key, put.value());
                p.output = KvOutput.OK;
            } else if (p.input instanceof KvInput.Append append) {
                store.put(key, current == null ? append.value() : current.concat(append.value()));
                p.output = KvOutput.OK;
            } else if (p.input instanceof KvInput.Delete) {
                p.output = store.remove(key) != null ? KvOutput.OK : KvOutput.NO_KEY;
            } else {
                KvInput.Cas cas = (KvInput.Cas) p.input;
                boolean matches = current == null ? cas.expected() == null : current.equals(cas.expected());
                if (matches) {
                    store.put(key, cas.newValue());
                }
                p.output = KvOutput.casResult(matches);
            }
        }
    }

    /** Makes one completed Get return a value nobody wrote; null if there is no completed Get. */
    static Mutation readOfNeverWrittenValue(List<Operation> history, Random random) {
        List<Integer> gets = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).input() instanceof KvInput.Get && !history.get(i).isTimedOut()) {
                gets.add(i);
            }
        }
        if (gets.isEmpty()) {
            return null;
        }
        return replaceOutput(history, gets.get(random.nextInt(gets.size())), KvOutput.value("[never written]"));
    }

    /**
     * Makes one completed Get return exactly the token of a write on its key invoked only after the
     * Get returned; null if there is no such pair. The value equals that token only right after that
     * write (tokens are unique and never a concatenation of others), so no linearization explains it.
     */
    static Mutation readFromTheFuture(List<Operation> history, Random random) {
        Map<Bytes, List<Integer>> writesByKey = new HashMap<>();
        for (int w = 0; w < history.size(); w++) {
            if (writtenToken(history.get(w).input()) != null) {
                writesByKey.computeIfAbsent(history.get(w).key(), k -> new ArrayList<>()).add(w);
            }
        }
        List<int[]> pairs = new ArrayList<>();
        for (int g = 0; g < history.size(); g++) {
            Operation get = history.get(g);
            if (!(get.input() instanceof KvInput.Get) || get.isTimedOut()) {
                continue;
            }
            for (int w : writesByKey.getOrDefault(get.key(), List.of())) {
                if (history.get(w).invokeNanos() > get.returnNanos()) {
                    pairs.add(new int[] {g, w});
                }
            }
        }
        if (pairs.isEmpty()) {
            return null;
        }
        int[] pair = pairs.get(random.nextInt(pairs.size()));
        return replaceOutput(history, pair[0], KvOutput.value(writtenToken(history.get(pair[1]).input())));
    }

    /**
     * Replaces each completed operation's output, with probability {@code rate}, by a random output
     * its input can report: for a Get, absence or a value made of one or two tokens written to its
     * key. The result may or may not be linearizable; it is for comparison with an oracle.
     */
    static List<Operation> withRandomOutputs(List<Operation> history, Random random, double rate) {
        Map<Bytes, List<Bytes>> tokens = new HashMap<>();
        for (Operation op : history) {
            Bytes token = writtenToken(op.input());
            if (token != null) {
                tokens.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(token);
            }
        }
        List<Operation> result = new ArrayList<>(history.size());
        for (Operation op : history) {
            if (op.isTimedOut() || random.nextDouble() >= rate) {
                result.add(op);
                continue;
            }
            KvOutput output = op.output();
            if (op.input() instanceof KvInput.Get) {
                List<Bytes> written = tokens.getOrDefault(op.key(), List.of());
                int dice = written.isEmpty() ? 0 : random.nextInt(4);
                output = switch (dice) {
                    case 0 -> KvOutput.ABSENT;
                    case 1 -> KvOutput.value(written.get(random.nextInt(written.size())));
                    default -> KvOutput.value(written.get(random.nextInt(written.size()))
                            .concat(written.get(random.nextInt(written.size()))));
                };
            } else if (op.input() instanceof KvInput.Delete) {
                output = random.nextBoolean() ? KvOutput.OK : KvOutput.NO_KEY;
            } else if (op.input() instanceof KvInput.Cas) {
                output = KvOutput.casResult(random.nextBoolean());
            }
            result.add(Operation.completed(op.clientId(), op.input(), output, op.invokeNanos(), op.returnNanos()));
        }
        return result;
    }

    private static Bytes writtenToken(KvInput input) {
        if (input instanceof KvInput.Put put) {
            return put.value();
        }
        if (input instanceof KvInput.Append append) {
            return append.value();
        }
        if (input instanceof KvInput.Cas cas) {
            return cas.newValue();
        }
        return null;
    }

    private static Mutation replaceOutput(List<Operation> history, int index, KvOutput output) {
        Operation original = history.get(index);
        Operation mutated = Operation.completed(original.clientId(), original.input(), output,
                original.invokeNanos(), original.returnNanos());
        List<Operation> copy = new ArrayList<>(history);
        copy.set(index, mutated);
        return new Mutation(copy, original, mutated);
    }
}
