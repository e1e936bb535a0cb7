package io.shardkv.raft.sim;

import io.shardkv.raft.core.DurableState;
import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.Message;
import io.shardkv.raft.core.RaftConfig;
import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.core.ReadState;
import io.shardkv.raft.core.Ready;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotBytes;
import io.shardkv.raft.core.SnapshotData;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.node.NodeStoppedException;
import io.shardkv.raft.node.NotLeaderException;
import io.shardkv.raft.node.Proposal;
import io.shardkv.raft.node.ReplicatedLog;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One simulated server: a {@link RaftCore} driven the way the real runtime drives it. Inputs that
 * arrive while a Ready is being made durable wait in an inbox and are handled together afterwards,
 * as a real event loop blocked in fsync would batch them. A crash loses the core, the inbox and
 * anything not yet durable.
 */
public final class SimNode implements ReplicatedLog {

    private record PendingRead(long index, CompletableFuture<Long> future) {
    }

    private final int id;
    private final SimCluster cluster;
    private final RaftConfig config;
    private final SimService.Factory serviceFactory;
    private final SimStorage storage = new SimStorage();
    private final ArrayDeque<Consumer<RaftCore>> inbox = new ArrayDeque<>();
    private final List<ReadState> releasedReads = new ArrayList<>();
    /** This incarnation's outbound clients (the service's calls to other groups). */
    private final List<SimGroupClient> clients = new ArrayList<>();

    private RaftCore core;
    private SimStateMachine stateMachine;
    private SimService service;
    private int incarnation;
    private Ready pending;
    /** Between the core's ready() and advance(): inputs (e.g. from the service) must wait. */
    private boolean handlingReady;

    /** The checker's state machine hash after each index applied since the last snapshot. */
    private final TreeMap<Long, Long> hashAt = new TreeMap<>();
    private final Map<Long, CompletableFuture<Long>> readsAwaitingQuorum = new HashMap<>();
    private final ArrayDeque<PendingRead> readsAwaitingApply = new ArrayDeque<>();
    private long nextReadContext = 1;

    private long lastTerm;
    private long lastCommit;
    private boolean wasLeader;
    private long leaderTerm = -1;

    SimNode(int id, SimCluster cluster, RaftConfig config, SimService.Factory serviceFactory) {
        this.id = id;
        this.cluster = cluster;
        this.config = config;
        this.serviceFactory = serviceFactory;
    }

    @Override
    public int id() {
        return id;
    }

    /** The address of node {@code nodeId} of this node's group, for leader hints ({@code "sim-<endpoint>"}). */
    public String addressOf(int nodeId) {
        return cluster.address(nodeId);
    }

    /** This incarnation's service instance, or null if none is hosted or the node is down. */
    public SimService service() {
        return service;
    }

    /**
     * A client this node's service uses to call another group: it sends from this node's endpoint,
     * so partitions and isolation cut it off with the node, and it dies when the node crashes.
     */
    public SimGroupClient client(List<Integer> servers, long attemptTimeoutMicros, long retryPauseMicros) {
        if (core == null) {
            throw new IllegalStateException("node " + id + " is down");
        }
        SimGroupClient c = new SimGroupClient(cluster.world(), cluster.endpoint(id), servers, attemptTimeoutMicros,
                retryPauseMicros, cluster.random(), false);
        clients.add(c);
        return c;
    }

    public boolean isUp() {
        return core != null;
    }

    /** The live core, or null while crashed. Read-only use: inputs go through the node. */
    public RaftCore core() {
        return core;
    }

    public long appliedIndex() {
        return stateMachine == null ? 0 : stateMachine.appliedIndex();
    }

    public long raftStateBytes() {
        return storage.raftStateBytes();
    }

    public long snapshotBytes() {
        return storage.snapshotBytes();
    }

    public boolean isLeader() {
        return core != null && core.role() == Role.LEADER;
    }

    List<ReadState> releasedReads() {
        return releasedReads;
    }

    void start() {
        if (core != null) {
            throw new IllegalStateException("node " + id + " is already up");
        }
        DurableState durable = storage.durableState();
        core = new RaftCore(config, durable, new Random(cluster.seed() * 1_000_003L + id * 7919L + incarnation));
        stateMachine = new SimStateMachine(cluster.snapshotFillerBytes());
        hashAt.clear();
        service = serviceFactory == null ? null : serviceFactory.create(this);
        Snapshot snap = storage.snapshot();
        if (snap != null) {
            restoreSnapshot(snap);
        }
        lastTerm = core.term();
        lastCommit = core.commitIndex();
        wasLeader = false;
        cluster.trace().record(cluster.now(), id, "start " + core);
    }

    /** Kills the node. A write in progress may leave a torn prefix of its entries. */
    void crash(int tornEntries) {
        if (core == null) {
            return;
        }
        if (pending != null) {
            storage.persistTorn(pending, Math.min(tornEntries, pending.entries().size()));
        }
        cluster.trace().record(cluster.now(), id, "crash" + (pending != null ? " during write" : ""));
        core = null;
        stateMachine = null;
        service = null;
        clients.forEach(SimGroupClient::close);
        clients.clear();
        pending = null;
        inbox.clear();
        releasedReads.clear();
        readsAwaitingQuorum.clear();
        readsAwaitingApply.clear();
        incarnation++;
    }

    /** One tick of the node's clock: the core's, then the service's. */
    void tick() {
        input(RaftCore::tick);
        SimService ticked = service;
        if (ticked != null) {
            input(c -> {
                if (service == ticked) {
                    ticked.tick();
                }
            });
        }
    }

    /** Hands an input to the core now, or after the write in progress. */
    void input(Consumer<RaftCore> action) {
        if (core == null) {
            return;
        }
        if (pending != null || handlingReady) {
            inbox.add(action);
            return;
        }
        action.accept(core);
        afterInput();
        processReady();
    }

    private void afterInput() {
        long term = core.term();
        if (term < lastTerm) {
            throw new SimulationFailure("node " + id + " term went back from " + lastTerm + " to " + term);
        }
        lastTerm = term;
        long commit = core.commitIndex();
        if (commit < lastCommit) {
            throw new SimulationFailure("node " + id + " commit index went back from " + lastCommit + " to " + commit);
        }
        lastCommit = commit;
        boolean leader = core.role() == Role.LEADER;
        if (leader && (!wasLeader || leaderTerm != term)) {
            RaftCore c = core;
            cluster.checker().leaderElected(id, term, c::logTermAt, c.firstLogIndex());
            leaderTerm = term;
        }
        wasLeader = leader;
    }

    private void processReady() {
        while (core != null && pending == null && !handlingReady && core.hasReady()) {
            Ready rd = core.ready();
            for (Message m : rd.messagesBeforePersist()) {
                cluster.send(m);
            }
            if (rd.snapshot() == null) {
                // As RaftNode does: committed entries are durable on a quorum, so they apply before the fsync.
                handlingReady = true;
                try {
                    applyCommitted(rd);
                } finally {
                    handlingReady = false;
                }
            }
            if (!rd.mustPersist()) {
                complete(rd);
                continue;
            }
            pending = rd;
            int expected = incarnation;
            cluster.scheduler().after(cluster.fsyncDelay(), () -> {
                if (incarnation == expected && pending == rd) {
                    finishWrite(rd);
                }
            });
        }
    }

    private void finishWrite(Ready rd) {
        storage.persist(rd);
        cluster.checker().persisted(id, rd.entries(), storage::termAt);
        pending = null;
        complete(rd);
        processReady();
    }

    private void complete(Ready rd) {
        handlingReady = true;
        try {
            handle(rd);
        } finally {
            handlingReady = false;
        }
        drainInbox();
    }

    private void drainInbox() {
        while (core != null && pending == null && !inbox.isEmpty()) {
            inbox.poll().accept(core);
            afterInput();
        }
    }

    private void handle(Ready rd) {
        for (Message m : rd.messages()) {
            cluster.send(m);
        }
        if (rd.snapshot() != null) {
            restoreSnapshot(rd.snapshot());
            applyCommitted(rd);
        }
        if (rd.softState() != null) {
            if (rd.softState().role() != Role.LEADER) {
                NotLeaderException e = new NotLeaderException(id, rd.softState().leader());
                readsAwaitingQuorum.values().forEach(f -> f.completeExceptionally(e));
                readsAwaitingQuorum.clear();
            }
            if (service != null) {
                service.applier().onSoftStateChange(rd.softState());
            }
        }
        core.advance(rd);
        afterInput();
        maybeCompact();
    }

    private void applyCommitted(Ready rd) {
        for (Entry e : rd.committedEntries()) {
            stateMachine.apply(e);
            hashAt.put(e.index(), stateMachine.hash());
            cluster.checker().applied(id, e, stateMachine.hash());
            if (service != null) {
                service.applier().apply(e);
            }
        }
        releasedReads.addAll(rd.readStates());
        for (ReadState rs : rd.readStates()) {
            CompletableFuture<Long> f = readsAwaitingQuorum.remove(rs.context());
            if (f != null) {
                readsAwaitingApply.add(new PendingRead(rs.index(), f));
            }
        }
        while (!readsAwaitingApply.isEmpty() && readsAwaitingApply.peekFirst().index() <= stateMachine.appliedIndex()) {
            readsAwaitingApply.pollFirst().future().complete(stateMachine.appliedIndex());
        }
    }

    private void maybeCompact() {
        int every = cluster.snapshotEvery();
        if (every <= 0) {
            return;
        }
        long applied = core.appliedIndex();
        if (applied - (core.firstLogIndex() - 1) >= every) {
            compactNow(applied, new byte[0]);
        }
    }

    /** The snapshot holds the checker's state machine image and the service's, so both restore. */
    private void compactNow(long index, byte[] serviceImage) {
        // The service may ask for a snapshot at an index it applied before this node went on.
        Long hash = hashAt.get(index);
        if (hash == null) {
            throw new IllegalStateException("node " + id + ": no record of the state at " + index);
        }
        byte[] sim = stateMachine.imageAt(index, hash);
        hashAt.headMap(index).clear();
        byte[] composite = ByteBuffer.allocate(4 + sim.length + serviceImage.length)
                .putInt(sim.length).put(sim).put(serviceImage).array();
        core.compact(index, SnapshotData.of(composite));
        storage.compact(core.snapshot());
    }

    private void restoreSnapshot(Snapshot snap) {
        ByteBuffer b = ByteBuffer.wrap(SnapshotBytes.of(snap));
        byte[] sim = new byte[b.getInt()];
        b.get(sim);
        byte[] serviceImage = new byte[b.remaining()];
        b.get(serviceImage);
        stateMachine.restore(sim);
        hashAt.clear();
        hashAt.put(snap.index(), stateMachine.hash());
        cluster.checker().restored(id, snap.index(), stateMachine.hash());
        if (service != null) {
            service.applier().restore(new Snapshot(snap.meta(), SnapshotData.of(serviceImage)));
        }
    }

    // ------------------------------------------------------------------ ReplicatedLog

    @Override
    public CompletableFuture<Proposal> propose(byte[] data) {
        CompletableFuture<Proposal> f = new CompletableFuture<>();
        onNode(f, c -> {
            long index = c.propose(data);
            if (index == RaftCore.REJECTED) {
                f.completeExceptionally(new NotLeaderException(id, c.leader()));
            } else {
                f.complete(new Proposal(index, c.term()));
            }
        });
        return f;
    }

    @Override
    public CompletableFuture<Long> readIndex() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        onNode(f, c -> {
            long context = nextReadContext++;
            if (c.readIndex(context)) {
                readsAwaitingQuorum.put(context, f);
            } else {
                f.completeExceptionally(new NotLeaderException(id, c.leader()));
            }
        });
        return f;
    }

    /**
     * As RaftNode does, the image is written while the node goes on — here after a seeded virtual
     * delay, and only then serialized, so an image that is not an instant's state shows up as a
     * divergent replica — and put in place unless a newer snapshot covered the index meanwhile.
     */
    @Override
    public CompletableFuture<Void> compact(long index, SnapshotImage image) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        onNode(f, c -> {
            if (index < c.firstLogIndex()) {
                f.complete(null);
                return;
            }
            int expected = incarnation;
            long delay = cluster.fsyncDelay() * (1 + cluster.random().nextInt(20));
            cluster.scheduler().after(delay, () -> {
                if (incarnation != expected) {
                    return;
                }
                byte[] written = SnapshotBytes.write(image);
                input(now -> {
                    if (index >= now.firstLogIndex()) {
                        compactNow(index, written);
                    }
                    f.complete(null);
                });
            });
        });
        return f;
    }

    @Override
    public void execute(Runnable action) {
        input(c -> action.run());
    }

    private void onNode(CompletableFuture<?> f, Consumer<RaftCore> action) {
        if (core == null) {
            f.completeExceptionally(new NodeStoppedException("node " + id + " is down", null));
        } else {
            input(action);
        }
    }

    /** A payload arrived from the network: a Raft message for the core, anything else for the service. */
    void receive(SimNetwork.Envelope envelope) {
        if (envelope.payload() instanceof Message m) {
            input(c -> c.step(m));
        } else if (envelope.payload() instanceof SimRpc.Request request) {
            input(c -> {
                if (service != null) {
                    service.handle(request.body(), body -> cluster.network().send(cluster.endpoint(id),
                            envelope.from(), new SimRpc.Response(request.id(), body)));
                }
            });
        } else if (envelope.payload() instanceof SimRpc.Response) {
            for (SimGroupClient c : List.copyOf(clients)) {
                c.receive(envelope);
            }
        }
    }
}
