package io.shardkv.raft.sim;

import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.Message;
import io.shardkv.raft.core.RaftConfig;
import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.core.confchange.MembershipCodec;
import io.shardkv.raft.core.tracker.MembershipConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * A Raft group of n nodes inside the deterministic simulator: one thread, virtual time, a seeded
 * network and seeded fsync latencies. Everything that happens follows from the seed, so a run
 * replays exactly. Safety invariants are checked as the run goes ({@link SafetyChecker}); any
 * violation surfaces as a {@link SimulationFailure} naming the seed and the last events.
 */
public final class SimCluster {

    /** A proposal some leader accepted: it must end up committed at (index, term) or be lost. */
    public record Proposal(int node, long index, long term, byte[] data) {
    }

    private final SimWorld world;
    /** Node i of this group is network endpoint {@code base + i}. */
    private final int base;
    private final Scheduler scheduler;
    private final EventTrace trace;
    private final SimNetwork network;
    private final SafetyChecker checker = new SafetyChecker();
    /** Node i at position i (position 0 unused); nodes that join get the next id. */
    private final List<SimNode> nodes = new ArrayList<>();
    private final IntFunction<RaftConfig.Builder> configTemplate;
    private final SimService.Factory service;
    /** The configuration of the newest configuration entry any node applied (committed). */
    private MembershipConfig committedMembership;
    private long committedMembershipIndex;
    private final long tickMicros;
    private final long fsyncMinMicros;
    private final long fsyncMaxMicros;
    private final int snapshotEvery;
    private final int snapshotFillerBytes;
    private final List<Proposal> proposals = new ArrayList<>();

    private SimCluster(Builder b) {
        this.world = b.world != null ? b.world : new SimWorld(b.seed);
        this.base = b.base;
        this.scheduler = world.scheduler();
        this.trace = world.trace();
        this.network = world.network();
        this.tickMicros = b.tickMicros;
        this.fsyncMinMicros = b.fsyncMinMicros;
        this.fsyncMaxMicros = b.fsyncMaxMicros;
        this.snapshotEvery = b.snapshotEvery;
        this.snapshotFillerBytes = b.snapshotFillerBytes;
        world.add(this);
        List<Integer> voters = IntStream.rangeClosed(1, b.size).boxed().toList();
        this.committedMembership = MembershipConfig.ofVoters(voters);
        this.service = b.service;
        this.configTemplate = id -> {
            RaftConfig.Builder cb = RaftConfig.builder(id, id <= b.size ? voters : List.of())
                    .electionTicks(b.electionTicks)
                    .heartbeatTicks(b.heartbeatTicks)
                    .snapshotChunkBytes(b.snapshotChunkBytes)
                    .maxMessageBytes(b.maxMessageBytes);
            b.config.accept(cb);
            return cb;
        };
        nodes.add(null);
        for (int i = 1; i <= b.size; i++) {
            addNode();
        }
        for (int i = 1; i <= b.size; i++) {
            startNode(nodes.get(i));
        }
    }

    private SimNode addNode() {
        int id = nodes.size();
        SimNode node = new SimNode(id, this, configTemplate.apply(id).build(), service);
        nodes.add(node);
        network.register(base + id, envelope -> node.receive(envelope));
        return node;
    }

    private void startNode(SimNode node) {
        node.start();
        scheduleTick(node, scheduler.now() + (long) (world.random().nextDouble() * tickMicros));
    }

    /**
     * Starts a new node with the next id, an empty disk and no configuration, as a replica that is
     * to join the group; it takes part once a change adds it. Returns its id.
     */
    public int join() {
        SimNode node = addNode();
        trace.record(now(), node.id(), "join");
        startNode(node);
        return node.id();
    }

    /** Crashes node {@code id} and loses its disk for good: it never comes back. */
    public void destroy(int id) {
        nodes.get(id).destroy();
    }

    /** Ids of the nodes not destroyed, up or down, in order. */
    public List<Integer> ids() {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i < nodes.size(); i++) {
            if (!nodes.get(i).isDestroyed()) {
                out.add(i);
            }
        }
        return out;
    }

    /** The configuration of the newest configuration entry any node applied: the committed one. */
    public MembershipConfig committedMembership() {
        return committedMembership;
    }

    void configApplied(Entry e) {
        if (e.index() > committedMembershipIndex) {
            committedMembershipIndex = e.index();
            committedMembership = MembershipCodec.decode(e.data());
        }
    }

    public static Builder builder(int size, long seed) {
        return new Builder(size, seed);
    }

    private void scheduleTick(SimNode node, long at) {
        scheduler.at(at, () -> {
            if (node.isDestroyed()) {
                return;
            }
            node.tick();
            scheduleTick(node, at + tickMicros);
        });
    }

    // ------------------------------------------------------------------ accessors

    public long seed() {
        return world.seed();
    }

    public SimWorld world() {
        return world;
    }

    /** The network endpoint of node {@code id} of this group. */
    public int endpoint(int id) {
        return base + id;
    }

    /** The address clients and leader hints use for node {@code id}: {@code "sim-<endpoint>"}. */
    public String address(int id) {
        return "sim-" + endpoint(id);
    }

    /** Sends a Raft message of this group between its nodes' endpoints. */
    void send(Message m) {
        network.sendRaft(endpoint(m.from()), endpoint(m.to()), m);
    }

    public long now() {
        return scheduler.now();
    }

    /** Nodes ever part of this cluster (the highest id): the initial ones and those that joined. */
    public int size() {
        return nodes.size() - 1;
    }

    public SimNode node(int id) {
        return nodes.get(id);
    }

    public SimNetwork network() {
        return network;
    }

    public Random random() {
        return world.random();
    }

    public List<Proposal> proposals() {
        return proposals;
    }

    public long eventsExecuted() {
        return scheduler.eventsExecuted();
    }

    public long tickMicros() {
        return tickMicros;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    EventTrace trace() {
        return trace;
    }

    SafetyChecker checker() {
        return checker;
    }

    int snapshotEvery() {
        return snapshotEvery;
    }

    int snapshotFillerBytes() {
        return snapshotFillerBytes;
    }

    long fsyncDelay() {
        return fsyncMinMicros + (long) (world.random().nextDouble() * (fsyncMaxMicros - fsyncMinMicros));
    }

    /** Term of the entry some node applied at {@code index}, or 0 if none did. */
    public long committedTerm(long index) {
        return checker.committedTerm(index);
    }

    /** Whether the command applied at {@code index} is {@code data}. */
    public boolean committedDataIs(long index, byte[] data) {
        return checker.committedTerm(index) != 0 && checker.committedDataHash(index) == SafetyChecker.dataHash(data);
    }

    public long highestApplied() {
        return checker.highestApplied();
    }

    /** Live nodes that consider themselves leader, as {@code [id, term]} pairs. */
    public List<long[]> leaders() {
        List<long[]> out = new ArrayList<>();
        for (int i = 1; i < nodes.size(); i++) {
            RaftCore c = nodes.get(i).core();
            if (c != null && c.role() == Role.LEADER) {
                out.add(new long[] {i, c.term()});
            }
        }
        return out;
    }

    /** The live leader of the newest term, or 0. */
    public int newestLeader() {
        long bestTerm = -1;
        int best = 0;
        for (long[] l : leaders()) {
            if (l[1] > bestTerm) {
                bestTerm = l[1];
                best = (int) l[0];
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ running

    /** Runs every event (of the whole world) up to {@code micros} of virtual time from now. */
    public void runFor(long micros) {
        world.runFor(micros);
    }

    /** Runs the world until {@code condition} holds or {@code maxMicros} pass; returns whether it held. */
    public boolean runUntil(BooleanSupplier condition, long maxMicros) {
        return world.runUntil(condition, maxMicros);
    }

    /** A failure that names the seed, how to replay it, and the last events before it. */
    public SimulationFailure fail(String message, Throwable cause) {
        return world.fail(message, cause);
    }

    String describeNodes() {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < nodes.size(); i++) {
            RaftCore c = nodes.get(i).core();
            sb.append("  ").append(base == 0 ? "" : "@" + endpoint(i) + " ")
                    .append(c == null ? "node " + i + " down" : c.toString())
                    .append(network.isIsolated(endpoint(i)) ? " (isolated)" : "").append('\n');
        }
        return sb.toString();
    }

    public SimulationFailure fail(String message) {
        return fail(message, null);
    }

    // ------------------------------------------------------------------ actions

    /** Gives {@code data} to node {@code id} as a proposal; {@code onResult} gets the index or REJECTED. */
    public void proposeAsync(int id, byte[] data, LongConsumer onResult) {
        SimNode n = nodes.get(id);
        if (!n.isUp()) {
            onResult.accept(RaftCore.REJECTED);
            return;
        }
        trace.record(now(), id, "propose " + data.length + "B");
        n.input(core -> {
            long index = core.propose(data);
            if (index != RaftCore.REJECTED) {
                proposals.add(new Proposal(id, index, core.term(), data));
            }
            onResult.accept(index);
        });
    }

    /** Like the lab's Start(): proposes at node {@code id} and returns the index, or REJECTED. */
    public long propose(int id, byte[] data) {
        long[] result = {Long.MIN_VALUE};
        proposeAsync(id, data, index -> result[0] = index);
        runUntil(() -> result[0] != Long.MIN_VALUE || !nodes.get(id).isUp(), 1_000_000);
        return result[0] == Long.MIN_VALUE ? RaftCore.REJECTED : result[0];
    }

    /** Runs {@code action} on node {@code id}'s core as an input (queued behind a write in progress). */
    public void input(int id, Consumer<RaftCore> action) {
        nodes.get(id).input(action);
    }

    public void crash(int id) {
        SimNode n = nodes.get(id);
        n.crash(world.random().nextInt(1 + 64));
    }

    /** Crashes node {@code id} if it is up, then starts it from its durable state. */
    public void restart(int id) {
        crash(id);
        nodes.get(id).start();
    }

    public void start(int id) {
        if (!nodes.get(id).isUp() && !nodes.get(id).isDestroyed()) {
            nodes.get(id).start();
        }
    }

    public void isolate(int id) {
        trace.record(now(), endpoint(id), "isolate");
        network.isolate(endpoint(id));
    }

    public void reconnect(int id) {
        trace.record(now(), endpoint(id), "reconnect");
        network.reconnect(endpoint(id));
    }

    /** Splits this group's nodes: {@code sides[i]} is node i's side; only nodes on one side talk. */
    public void partition(int[] sides) {
        trace.record(now(), endpoint(0), "partition " + Arrays.toString(sides));
        Map<Integer, Integer> byEndpoint = new HashMap<>();
        for (int i = 1; i < sides.length; i++) {
            byEndpoint.put(endpoint(i), sides[i]);
        }
        network.partition(byEndpoint);
    }

    /** Removes partitions and isolation of this group's nodes. */
    public void heal() {
        trace.record(now(), endpoint(0), "heal");
        for (int i = 1; i < nodes.size(); i++) {
            network.reconnect(endpoint(i));
            network.clearSide(endpoint(i));
        }
    }

    /** Number of live nodes whose state machine has applied {@code index}. */
    public int appliedCount(long index) {
        int n = 0;
        for (int i = 1; i < nodes.size(); i++) {
            if (nodes.get(i).isUp() && nodes.get(i).appliedIndex() >= index) {
                n++;
            }
        }
        return n;
    }

    /** The largest persisted Raft state (log and hard state, without snapshot) over all nodes, in bytes. */
    public long maxRaftStateBytes() {
        long max = 0;
        for (int i = 1; i < nodes.size(); i++) {
            max = Math.max(max, nodes.get(i).raftStateBytes());
        }
        return max;
    }

    /** Settings of a simulated cluster. Times in virtual microseconds. */
    public static final class Builder {
        private final int size;
        private final long seed;
        private SimWorld world;
        private int base;
        private long tickMicros = 10_000;
        private int electionTicks = 30;
        private int heartbeatTicks = 5;
        private long fsyncMinMicros = 100;
        private long fsyncMaxMicros = 1_000;
        private int snapshotEvery;
        private int snapshotFillerBytes = 0;
        private int snapshotChunkBytes = RaftConfig.DEFAULT_SNAPSHOT_CHUNK_BYTES;
        private long maxMessageBytes = RaftConfig.DEFAULT_MAX_MESSAGE_BYTES;
        private Consumer<RaftConfig.Builder> config = c -> { };
        private SimService.Factory service;

        private Builder(int size, long seed) {
            if (size < 1) {
                throw new IllegalArgumentException("cluster size must be >= 1, was " + size);
            }
            this.size = size;
            this.seed = seed;
        }

        public Builder tickMicros(long micros) {
            this.tickMicros = micros;
            return this;
        }

        public Builder electionTicks(int ticks) {
            this.electionTicks = ticks;
            return this;
        }

        public Builder heartbeatTicks(int ticks) {
            this.heartbeatTicks = ticks;
            return this;
        }

        public Builder fsyncMicros(long min, long max) {
            this.fsyncMinMicros = min;
            this.fsyncMaxMicros = max;
            return this;
        }

        /** Snapshot and compact whenever this many entries were applied since the last snapshot (0 = never). */
        public Builder snapshotEvery(int entries) {
            this.snapshotEvery = entries;
            return this;
        }

        public Builder snapshotFillerBytes(int bytes) {
            this.snapshotFillerBytes = bytes;
            return this;
        }

        public Builder snapshotChunkBytes(int bytes) {
            this.snapshotChunkBytes = bytes;
            return this;
        }

        public Builder maxMessageBytes(long bytes) {
            this.maxMessageBytes = bytes;
            return this;
        }

        /**
         * Hosts a service on every node; it decides when to snapshot, so {@link #snapshotEvery}
         * must stay 0.
         */
        public Builder service(SimService.Factory factory) {
            this.service = factory;
            return this;
        }

        /**
         * Places the group in a shared world, its node i at network endpoint {@code base + i}
         * (default: a world of its own, endpoints 1..n).
         */
        public Builder world(SimWorld shared, int endpointBase) {
            this.world = shared;
            this.base = endpointBase;
            return this;
        }

        /** Further changes to every node's Raft configuration. */
        public Builder raftConfig(Consumer<RaftConfig.Builder> c) {
            this.config = c;
            return this;
        }

        public SimCluster build() {
            if (service != null && snapshotEvery > 0) {
                throw new IllegalStateException("a hosted service takes its own snapshots: leave snapshotEvery at 0");
            }
            return new SimCluster(this);
        }
    }
}
