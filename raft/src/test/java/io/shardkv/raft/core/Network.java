package io.shardkv.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkv.raft.core.Message.AppendEntries;
import io.shardkv.raft.core.Message.Heartbeat;
import io.shardkv.raft.core.Message.InstallSnapshot;
import io.shardkv.raft.node.Applier;
import io.shardkv.raft.node.NodeDriver;
import io.shardkv.raft.node.NodeStoppedException;
import io.shardkv.raft.node.NodeStorage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A Raft group of {@link RaftCore}s wired together in memory, after etcd's {@code network} in
 * raft_test.go. Messages are delivered synchronously in FIFO order until the group is quiet; each
 * node's Readies are handled by the production {@link NodeDriver}, over an in-memory
 * {@link Storage} that persists at once. Links can be cut, nodes isolated, and every message can be
 * inspected, dropped or rewritten by an interceptor.
 *
 * <p>Two invariants are checked on every Ready: nothing that acknowledges leaves before it is
 * persisted (see {@link #checkReadyContract}), and committed entries are applied exactly once,
 * in index order, without gaps.
 */
final class Network {

    /** One member: its core and driver, its "disk" and what its state machine has seen. */
    final class Node implements NodeStorage, Applier {
        final int id;
        final RaftConfig config;
        RaftCore core;
        NodeDriver driver;
        final Storage storage;
        /** Entries applied since the node (re)started, in order. */
        final List<Entry> applied = new ArrayList<>();
        /** Reads the core released since the node (re)started, as every Ready carried them. */
        final List<ReadState> readStates = new ArrayList<>();
        final List<Snapshot> installedSnapshots = new ArrayList<>();
        final List<Ready> readies = new ArrayList<>();
        private long lastApplied;
        /** Set to make the next persist never complete: the node then crashes in the middle of it. */
        private boolean holdNextPersist;
        /** While the driver restores the recovered snapshot, which is not an install from the leader. */
        private boolean starting;

        private Node(int id, RaftConfig config, DurableState durable) {
            this.id = id;
            this.config = config;
            this.storage = new Storage(durable);
            start();
        }

        private void start() {
            if (driver != null) {
                driver.stop(new NodeStoppedException("node " + id + " restarted", null));
            }
            DurableState durable = storage.durable();
            core = new RaftCore(config, durable, new Random(id));
            // The driver restores the recovered snapshot, if any: that sets lastApplied.
            lastApplied = 0;
            applied.clear();
            readStates.clear();
            readies.clear();
            holdNextPersist = false;
            starting = true;
            driver = new NodeDriver(core, this, m -> emit(this, m), task -> {
                throw new UnsupportedOperationException("the network drives its cores directly");
            }, log -> this, () -> { });
            starting = false;
        }

        // ---------------------------------------------------------- NodeStorage: an in-memory disk

        @Override
        public SnapshotSpool spool() {
            return MemorySnapshots.SPOOL;
        }

        @Override
        public void persist(Ready rd, Snapshot received, Consumer<Snapshot> done) {
            checkReadyContract(storage.hardState, rd);
            readies.add(rd);
            readStates.addAll(rd.readStates());
            if (holdNextPersist) {
                return;
            }
            storage.persist(rd, received);
            done.accept(received);
        }

        @Override
        public CompletableFuture<WrittenSnapshot> writeSnapshot(SnapshotMeta meta, SnapshotImage image) {
            throw new UnsupportedOperationException("compact through Network.compact");
        }

        // ---------------------------------------------------------- Applier: the state machine

        @Override
        public void apply(Entry e) {
            if (e.index() != lastApplied + 1) {
                throw new AssertionError("node " + id + " told to apply " + e + " after applying " + lastApplied);
            }
            applied.add(e);
            lastApplied = e.index();
        }

        @Override
        public void restore(Snapshot snapshot) {
            if (snapshot.index() <= lastApplied) {
                throw new AssertionError("node " + id + " told to restore snapshot " + snapshot
                        + " behind applied index " + lastApplied);
            }
            if (!starting) {
                installedSnapshots.add(snapshot);
            }
            lastApplied = snapshot.index();
        }

        /** Entries applied since (re)start, without the leaders' no-ops, as strings. */
        List<String> appliedCommands() {
            return applied.stream().filter(e -> e.kind() == Entry.Kind.COMMAND)
                    .map(e -> Cores.string(e.data())).toList();
        }
    }

    /** What a node has made durable: the model of its disk. */
    static final class Storage {
        HardState hardState;
        Snapshot snapshot;
        final List<Entry> entries = new ArrayList<>();

        Storage(DurableState durable) {
            hardState = durable.hardState();
            snapshot = durable.snapshot();
            entries.addAll(durable.entries());
        }

        void persist(Ready rd, Snapshot received) {
            if (received != null) {
                snapshot = received;
                entries.clear();
            }
            if (!rd.entries().isEmpty()) {
                long first = rd.entries().get(0).index();
                entries.removeIf(e -> e.index() >= first);
                entries.addAll(rd.entries());
            }
            if (rd.hardState() != null) {
                hardState = rd.hardState();
            }
        }

        void compact(Snapshot snap) {
            snapshot = snap;
            entries.removeIf(e -> e.index() <= snap.index());
        }

        DurableState durable() {
            return new DurableState(hardState, snapshot, entries);
        }
    }

    private static final int MAX_DELIVERIES_PER_SETTLE = 1_000_000;

    private final Map<Integer, Node> nodes = new TreeMap<>();
    private final Set<Integer> isolated = new HashSet<>();
    private final Set<List<Integer>> cutLinks = new HashSet<>();
    private UnaryOperator<Message> interceptor = UnaryOperator.identity();
    private final ArrayDeque<Message> inFlight = new ArrayDeque<>();
    /** Every message any node emitted, in order, whether or not it was delivered. */
    final List<Message> sent = new ArrayList<>();

    private final UnaryOperator<RaftConfig.Builder> tweak;

    private Network(UnaryOperator<RaftConfig.Builder> tweak) {
        this.tweak = tweak;
    }

    /** A fresh group of {@code size} nodes with empty logs. */
    static Network of(int size, UnaryOperator<RaftConfig.Builder> tweak) {
        DurableState[] states = new DurableState[size];
        Arrays.fill(states, DurableState.EMPTY);
        return withState(tweak, states);
    }

    /** A group whose node i+1 starts from {@code states[i]}. */
    static Network withState(UnaryOperator<RaftConfig.Builder> tweak, DurableState... states) {
        Network n = new Network(tweak);
        for (int id = 1; id <= states.length; id++) {
            n.nodes.put(id, n.new Node(id, Cores.config(id, states.length, tweak), states[id - 1]));
        }
        return n;
    }

    /**
     * Starts node {@code id} with an empty disk and no configuration, as a replica joining the
     * group: it learns the configuration once the leader, having added it, reaches it.
     */
    RaftCore join(int id) {
        if (nodes.containsKey(id)) {
            throw new IllegalArgumentException("node " + id + " already exists");
        }
        Node node = new Node(id, tweak.apply(RaftConfig.builder(id, List.of())).build(), DurableState.EMPTY);
        nodes.put(id, node);
        return node.core;
    }

    /** Destroys node {@code id} for good, disk and all: messages to it are lost from now on. */
    void destroy(int id) {
        Node node = node(id);
        node.driver.stop(new NodeStoppedException("node " + id + " destroyed", null));
        nodes.remove(id);
    }

    Node node(int id) {
        Node node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        return node;
    }

    RaftCore core(int id) {
        return node(id).core;
    }

    Collection<Node> nodes() {
        return nodes.values();
    }

    // ------------------------------------------------------------------ faults

    /** Drops every message to or from these nodes (they keep running). */
    void isolate(int... ids) {
        for (int id : ids) {
            isolated.add(id);
        }
    }

    /** Undoes {@link #isolate} for these nodes. */
    void heal(int... ids) {
        for (int id : ids) {
            isolated.remove(id);
        }
    }

    /** Drops messages between {@code a} and {@code b}, both ways. */
    void cut(int a, int b) {
        cutLinks.add(List.of(a, b));
        cutLinks.add(List.of(b, a));
    }

    /**
     * Passes every deliverable message through {@code f}: return it, a rewritten message, or null
     * to drop it. Replaces any previous interceptor.
     */
    void intercept(UnaryOperator<Message> f) {
        interceptor = f;
    }

    /** Heals every isolation and cut and removes the interceptor. */
    void recover() {
        isolated.clear();
        cutLinks.clear();
        interceptor = UnaryOperator.identity();
    }

    // ------------------------------------------------------------------ driving

    /** Ticks the given nodes (all if none given) {@code times} times, letting the group settle after each. */
    void tick(int times, int... ids) {
        for (int i = 0; i < times; i++) {
            for (int id : ids.length == 0 ? allIds() : ids) {
                node(id).driver.tick();
            }
            settle();
        }
    }

    /**
     * Ticks the given nodes (all if none given) until {@code done} holds, at most {@code maxTicks}
     * times; fails with {@code what} if it never does.
     */
    void tickUntil(String what, BooleanSupplier done, int maxTicks, int... ids) {
        settle();
        for (int i = 0; i < maxTicks && !done.getAsBoolean(); i++) {
            tick(1, ids);
        }
        if (!done.getAsBoolean()) {
            throw new AssertionError("not reached within " + maxTicks + " ticks: " + what + "; " + describe());
        }
    }

    /** Ticks {@code id} until it campaigns, lets the election run, and checks that it won. */
    RaftCore elect(int id) {
        RaftCore core = core(id);
        tickUntil("node " + id + " campaigns", () -> core.role() != Role.FOLLOWER,
                2 * core.config().electionTicks(), id);
        assertEquals(Role.LEADER, core.role(), () -> "node " + id + " should have won: " + describe());
        return core;
    }

    /** Proposes {@code command} on {@code id} and lets the group settle; returns its index or REJECTED. */
    long propose(int id, String command) {
        long index = core(id).propose(Cores.bytes(command));
        settle();
        return index;
    }

    /** Hands {@code m} straight to its recipient, bypassing all faults, and lets the group settle. */
    void inject(Message m) {
        settle();
        Node to = node(m.to());
        to.driver.step(m);
        drain(to);
        settle();
    }

    /** Handles every pending Ready and delivers messages until nothing is left to do. */
    void settle() {
        for (Node node : nodes.values()) {
            drain(node);
        }
        int deliveries = 0;
        while (!inFlight.isEmpty()) {
            if (++deliveries > MAX_DELIVERIES_PER_SETTLE) {
                throw new AssertionError("the group does not settle (message storm): " + describe());
            }
            Message m = inFlight.poll();
            m = blocked(m) || !nodes.containsKey(m.to()) ? null : interceptor.apply(m);
            if (m == null) {
                continue;
            }
            Node to = node(m.to());
            to.driver.step(m);
            drain(to);
        }
    }

    private boolean blocked(Message m) {
        return isolated.contains(m.from()) || isolated.contains(m.to()) || cutLinks.contains(List.of(m.from(), m.to()));
    }

    private void drain(Node node) {
        node.driver.processReadies();
    }

    private void emit(Node node, Message m) {
        if (m.from() != node.id) {
            throw new AssertionError("node " + node.id + " emitted a message from " + m.from() + ": " + m);
        }
        sent.add(m);
        inFlight.add(m);
    }

    /**
     * The persistence half of the Ready contract: only a leader's replication traffic, which
     * promises nothing, may leave before the Ready is durable; anything sent in a Ready that changes
     * term or vote waits for it to be durable (Figure 2: persistent state is updated "before
     * responding to RPCs").
     */
    static void checkReadyContract(HardState persisted, Ready rd) {
        for (Message m : rd.messagesBeforePersist()) {
            if (!(m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshot)) {
                throw new AssertionError("acknowledging message sent before persisting: " + m);
            }
        }
        HardState hs = rd.hardState();
        boolean termOrVoteChanged = hs != null && (hs.term() != persisted.term() || hs.vote() != persisted.vote());
        if (termOrVoteChanged && !rd.messagesBeforePersist().isEmpty()) {
            throw new AssertionError("messages sent before persisting a new term/vote " + hs + ": "
                    + rd.messagesBeforePersist());
        }
    }

    // ------------------------------------------------------------------ state

    /** Restarts {@code id} from what it persisted; its state machine restarts from the snapshot. */
    RaftCore restart(int id) {
        Node node = node(id);
        node.start();
        return node.core;
    }

    /**
     * Crashes {@code id} in the middle of handling its next Ready: what may leave before persisting
     * has left, nothing else has happened, and the node restarts from what it persisted before.
     */
    RaftCore crashBeforePersisting(int id) {
        Node node = node(id);
        node.holdNextPersist = true;
        drain(node);
        return restart(id);
    }

    /** Compacts {@code id}'s log up to {@code index}, as its state machine would after a snapshot. */
    void compact(int id, long index, byte[] data) {
        Node node = node(id);
        node.core.compact(index, MemorySnapshots.of(data));
        node.storage.compact(node.core.snapshot());
    }

    /** The messages of {@code type} emitted from {@code from} to {@code to} so far, in order. */
    <T extends Message> List<T> sent(Class<T> type, int from, int to) {
        return sent.stream().filter(m -> m.from() == from && m.to() == to)
                .filter(type::isInstance).map(type::cast).toList();
    }

    /** The leader, one of the given nodes (all if none given), that they all follow at one term; or NONE. */
    int agreedLeader(int... ids) {
        int[] members = ids.length == 0 ? allIds() : ids;
        RaftCore first = core(members[0]);
        for (int id : members) {
            if (core(id).leader() != first.leader() || core(id).term() != first.term()) {
                return RaftCore.NONE;
            }
        }
        int leader = first.leader();
        boolean member = Arrays.stream(members).anyMatch(id -> id == leader);
        return member && core(leader).role() == Role.LEADER ? leader : RaftCore.NONE;
    }

    private int[] allIds() {
        return nodes.keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        for (Node node : nodes.values()) {
            sb.append(node.core).append(isolated.contains(node.id) ? " (isolated)" : "").append("; ");
        }
        return sb.toString();
    }
}
