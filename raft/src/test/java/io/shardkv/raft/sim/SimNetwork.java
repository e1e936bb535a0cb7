package io.shardkv.raft.sim;

import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.Message;
import io.shardkv.raft.core.confchange.MembershipCodec;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A seeded network between endpoints: the group's servers 1..n, and any number of other
 * endpoints (clients) registered with ids above n. It delays, drops, duplicates and reorders
 * messages as its {@link NetworkFaults} say, and honours partitions — between servers by side,
 * and for any endpoint by isolation — both when a message is sent and when it would arrive.
 * Counts Raft traffic the way the lab harness counts RPCs: requests only, and bytes of requests
 * and responses alike.
 */
public final class SimNetwork {

    /** A payload in flight from one endpoint to another. */
    public record Envelope(int from, int to, Object payload) {
    }

    /** Rough wire size of a message header (ids, term, indexes), for byte budgets. */
    static final int HEADER_BYTES = 40;

    private final Scheduler scheduler;
    private final Random random;
    private final EventTrace trace;
    private NetworkFaults faults = NetworkFaults.RELIABLE;
    private final Set<Integer> isolated = new HashSet<>();
    /** Endpoints split by a partition; one without a side reaches everyone (clients, by default). */
    private final Map<Integer, Integer> side = new HashMap<>();
    private UnaryOperator<Message> mutator = UnaryOperator.identity();
    private final Map<Integer, Consumer<Envelope>> receivers = new HashMap<>();

    private long requests;
    private long bytes;
    private long dropped;
    private final Map<Integer, Long> requestsTo = new HashMap<>();
    private final Map<Class<?>, Long> sentByType = new HashMap<>();
    /** Per link (from, to): when its latest message is due, to keep FIFO links in order. */
    private final Map<Long, Long> lastArrival = new HashMap<>();

    SimNetwork(Scheduler scheduler, Random random, EventTrace trace) {
        this.scheduler = scheduler;
        this.random = random;
        this.trace = trace;
    }

    /** Where payloads addressed to {@code endpoint} are delivered. */
    public void register(int endpoint, Consumer<Envelope> receiver) {
        receivers.put(endpoint, receiver);
    }

    public void setFaults(NetworkFaults f) {
        this.faults = f;
    }

    public NetworkFaults faults() {
        return faults;
    }

    /** Rewrites every Raft message in flight; for experiments that break the protocol on purpose. */
    public void setMutator(UnaryOperator<Message> m) {
        this.mutator = m;
    }

    /** Cuts every link to and from {@code endpoint} (the Raft lab's disconnect). */
    public void isolate(int endpoint) {
        isolated.add(endpoint);
    }

    public void reconnect(int endpoint) {
        isolated.remove(endpoint);
    }

    public boolean isIsolated(int endpoint) {
        return isolated.contains(endpoint);
    }

    /**
     * Puts each given endpoint on a side: endpoints that both have a side talk only if it is the
     * same. Endpoints without a side (clients, unless given one) reach everyone.
     */
    public void partition(Map<Integer, Integer> sides) {
        side.putAll(sides);
    }

    public void clearSide(int endpoint) {
        side.remove(endpoint);
    }

    /** Removes every partition and isolation. */
    public void heal() {
        isolated.clear();
        side.clear();
    }

    public boolean linkUp(int a, int b) {
        if (isolated.contains(a) || isolated.contains(b)) {
            return false;
        }
        Integer sa = side.get(a);
        Integer sb = side.get(b);
        return sa == null || sb == null || sa.equals(sb);
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
    public long sent(Class<?> type) {
        return sentByType.getOrDefault(type, 0L);
    }

    /** Raft requests addressed to {@code endpoint} (what the lab calls its incoming RPC count). */
    public long requestsTo(int endpoint) {
        return requestsTo.getOrDefault(endpoint, 0L);
    }

    /** Sends a Raft message between two nodes' endpoints, counting it as the lab counts RPCs. */
    void sendRaft(int from, int to, Message original) {
        Message m = mutator.apply(original);
        if (m.isRequest()) {
            requests++;
            requestsTo.merge(to, 1L, Long::sum);
        }
        bytes += wireBytes(m);
        send(from, to, m);
    }

    /** Sends any payload between endpoints, with the same faults as Raft traffic. */
    public void send(int from, int to, Object payload) {
        sentByType.merge(payload.getClass(), 1L, Long::sum);
        if (!linkUp(from, to) || chance(faults.dropRate())) {
            dropped++;
            return;
        }
        Envelope e = new Envelope(from, to, payload);
        schedule(e);
        if (chance(faults.duplicateRate())) {
            schedule(e);
        }
    }

    private void schedule(Envelope e) {
        long delay = faults.minDelay() + (long) (random.nextDouble() * (faults.maxDelay() - faults.minDelay()));
        if (chance(faults.longDelayRate())) {
            delay = faults.longDelayMin()
                    + (long) (random.nextDouble() * random.nextDouble() * (faults.longDelayMax() - faults.longDelayMin()));
        }
        long arrival = scheduler.now() + delay;
        if (faults.fifo()) {
            long link = ((long) e.from() << 32) | (e.to() & 0xffffffffL);
            arrival = Math.max(arrival, lastArrival.getOrDefault(link, 0L));
            lastArrival.put(link, arrival);
        }
        scheduler.at(arrival, () -> {
            Consumer<Envelope> receiver = receivers.get(e.to());
            if (receiver == null || !linkUp(e.from(), e.to())) {
                dropped++;
                return;
            }
            trace.record(scheduler.now(), e.to(), e.payload());
            receiver.accept(e);
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
            total += is.data().length + MembershipCodec.encode(is.meta().config()).length;
        }
        return total;
    }
}
