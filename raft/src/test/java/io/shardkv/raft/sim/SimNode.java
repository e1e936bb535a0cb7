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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One simulated server: a {@link RaftCore} driven the way the real runtime drives it. Inputs that
 * arrive while a Ready is being made durable wait in an inbox and are handled together afterwards,
 * as a real event loop blocked in fsync would batch them. A crash loses the core, the inbox and
 * anything not yet durable.
 */
public final class SimNode {

    private final int id;
    private final SimCluster cluster;
    private final RaftConfig config;
    private final SimStorage storage = new SimStorage();
    private final ArrayDeque<Consumer<RaftCore>> inbox = new ArrayDeque<>();
    private final List<ReadState> releasedReads = new ArrayList<>();

    private RaftCore core;
    private SimStateMachine stateMachine;
    private int incarnation;
    private Ready pending;

    private long lastTerm;
    private long lastCommit;
    private boolean wasLeader;
    private long leaderTerm = -1;

    SimNode(int id, SimCluster cluster, RaftConfig config) {
        this.id = id;
        this.cluster = cluster;
        this.config = config;
    }

    public int id() {
        return id;
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
        Snapshot snap = storage.snapshot();
        if (snap != null) {
            stateMachine.restore(snap.data());
            cluster.checker().restored(id, snap.index(), stateMachine.hash());
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
        pending = null;
        inbox.clear();
        releasedReads.clear();
        incarnation++;
    }

    /** Hands an input to the core now, or after the write in progress. */
    void input(Consumer<RaftCore> action) {
        if (core == null) {
            return;
        }
        if (pending != null) {
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
        while (core != null && pending == null && core.hasReady()) {
            Ready rd = core.ready();
            for (Message m : rd.messagesBeforePersist()) {
                cluster.network().send(m);
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
        while (core != null && pending == null && !inbox.isEmpty()) {
            inbox.poll().accept(core);
            afterInput();
        }
        processReady();
    }

    private void complete(Ready rd) {
        for (Message m : rd.messages()) {
            cluster.network().send(m);
        }
        if (rd.snapshot() != null) {
            stateMachine.restore(rd.snapshot().data());
            cluster.checker().restored(id, rd.snapshot().index(), stateMachine.hash());
        }
        for (Entry e : rd.committedEntries()) {
            stateMachine.apply(e);
            cluster.checker().applied(id, e, stateMachine.hash());
        }
        releasedReads.addAll(rd.readStates());
        core.advance(rd);
        afterInput();
        maybeCompact();
    }

    private void maybeCompact() {
        int every = cluster.snapshotEvery();
        if (every <= 0) {
            return;
        }
        long applied = core.appliedIndex();
        if (applied - (core.firstLogIndex() - 1) >= every) {
            byte[] image = stateMachine.snapshot();
            core.compact(applied, image);
            storage.compact(core.snapshot());
        }
    }
}
