package io.shardkv.raft.sim;

import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.Message;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A seeded network between nodes 1..n: it delays, drops, duplicates and reorders messages as its
 * {@link NetworkFaults} say, and honours partitions both when a message is sent and when it would
 * arrive. Counts what it carries the way the lab harness counts RPCs: requests only, and bytes of
 * requests and responses alike.
 */
public final class SimNetwork {

    /** Rough wire size of a message header (ids, term, indexes), for byte budgets. */
    static final int HEADER_BYTES = 40;

    private final Scheduler scheduler;
    private final Random random;
    private final EventTrace trace;
    private final int size;
    private NetworkFaults faults = NetworkFaults.RELIABLE;
    private final boolean[] isolated;
    private final int[] side;
    private UnaryOperator<Message> mutator = UnaryOperator.identity();
    private Consumer<Message> receiver = m -> { };

    private long requests;
    private long bytes;
    private long dropped;
    private final long[] requestsTo;
    /** Per link (from, to): when its latest message is due, to keep FIFO links in order. */
    private final long[][] lastArrival;
    private final Map<Class<?>, Long> sentByType = new HashMap<>();

    SimNetwork(int size, Scheduler scheduler, Random random, EventTrace trace) {
        this.size = size;
        this.scheduler = scheduler;
        this.random = random;
        this.trace = trace;
        this.isolated = new boolean[size + 1];
        this.side = new int[size + 1];
        this.requestsTo = new long[size + 1];
        this.lastArrival = new long[size + 1][size + 1];
    }

    void onDeliver(Consumer<Message> r) {
        this.receiver = r;
    }

    public void setFaults(NetworkFaults f) {
        this.faults = f;
    }

    public NetworkFaults faults() {
        return faults;
    }

    /** Rewrites every message in flight; for experiments that break the protocol on purpose. */
    public void setMutator(UnaryOperator<Message> m) {
        this.mutator = m;
    }

    /** Cuts every link to and from {@code node} (the Raft lab's disconnect). */
    public void isolate(int node) {
        isolated[node] = true;
    }

    public void reconnect(int node) {
        isolated[node] = false;
    }

    public boolean isIsolated(int node) {
        return isolated[node];
    }

    /** Splits the nodes: only nodes with the same side number can talk. */
    public void partition(int[] sides) {
        if (sides.length != size + 1) {
            throw new IllegalArgumentException("need a side for each of nodes 1.." + size);
        }
        System.arraycopy(sides, 0, side, 0, sides.length);
    }

    /** Removes partitions and isolation. */
    public void heal() {
        Arrays.fill(isolated, false);
        Arrays.fill(side, 0);
    }

    public boolean linkUp(int a, int b) {
        return !isolated[a] && !isolated[b] && side[a] == side[b];
    }

    public long requestsSent() {
        return requests;
    }

    public long bytesSent() {
        return bytes;
    }

    public long messagesDropped() {
        return dropped;
    }

    /** Messages of the given type sent so far (delivered or not). */
    public long sent(Class<? extends Message> type) {
        return sentByType.getOrDefault(type, 0L);
    }

    /** Requests addressed to {@code node} (what the lab calls its incoming RPC count). */
    public long requestsTo(int node) {
        return requestsTo[node];
    }

    void send(Message original) {
        Message m = mutator.apply(original);
        if (m.isRequest()) {
            requests++;
            requestsTo[m.to()]++;
        }
        bytes += wireBytes(m);
        sentByType.merge(m.getClass(), 1L, Long::sum);
        if (!linkUp(m.from(), m.to()) || chance(faults.dropRate())) {
            dropped++;
            return;
        }
        schedule(m);
        if (chance(faults.duplicateRate())) {
            schedule(m);
        }
    }

    private void schedule(Message m) {
        long delay = faults.minDelay() + (long) (random.nextDouble() * (faults.maxDelay() - faults.minDelay()));
        if (chance(faults.longDelayRate())) {
            delay = faults.longDelayMin()
                    + (long) (random.nextDouble() * random.nextDouble() * (faults.longDelayMax() - faults.longDelayMin()));
        }
        long arrival = scheduler.now() + delay;
        if (faults.fifo()) {
            arrival = Math.max(arrival, lastArrival[m.from()][m.to()]);
            lastArrival[m.from()][m.to()] = arrival;
        }
        scheduler.at(arrival, () -> {
            if (!linkUp(m.from(), m.to())) {
                dropped++;
                return;
            }
            trace.record(scheduler.now(), m.to(), m);
            receiver.accept(m);
        });
    }

    private boolean chance(double p) {
        return p > 0 && random.nextDouble() < p;
    }

    static long wireBytes(Message m) {
        long total = HEADER_BYTES;
        if (m instanceof Message.AppendEntries ae) {
            for (Entry e : ae.entries()) {
                total += e.sizeBytes();
            }
        } else if (m instanceof Message.InstallSnapshot is) {
            total += is.data().length + 8L * is.meta().voters().size();
        }
        return total;
    }
}
