package io.shardkv.raft.node;

import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.Message;
import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.core.ReadState;
import io.shardkv.raft.core.Ready;
import io.shardkv.raft.core.ReplicationProgress;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotChunk;
import io.shardkv.raft.core.SnapshotData;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.SnapshotSpool;
import io.shardkv.raft.core.SoftState;
import io.shardkv.raft.core.SpoolStep;
import io.shardkv.raft.core.confchange.ConfChange;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one driver of a {@link RaftCore}: how a Ready is carried out (send the leader's replication
 * traffic and snapshot chunks, keep received snapshot bytes, apply committed entries before the
 * fsync, persist, send the rest, restore, advance), the futures of proposals and reads, what a
 * soft-state change does to them, and local snapshots. It is sans-I/O: storage, transport and
 * applying are seams ({@link NodeStorage}, {@link RaftTransport}, {@link Applier}), and it has no
 * thread and no clock. {@link RaftNode} gives it a thread, an inbox and a clock; the simulator
 * gives it virtual time and faults; the core's tests give it an in-memory network — so every one
 * of them runs this ordering, not a copy of it.
 *
 * <p>Threading: the {@link ReplicatedLog} methods and {@link #transferLeadership} may be called
 * from any thread; they hand their work to the node's thread through {@link NodeInputs}. Everything
 * else — {@link #tick}, {@link #step}, {@link #processReadies}, running submitted tasks — happens on
 * the node's thread, and only while no Ready is being persisted ({@link #busy()}); after running
 * inputs, the runtime calls {@link #processReadies}.
 */
public final class NodeDriver implements ReplicatedLog {

    private static final Logger LOG = LoggerFactory.getLogger(NodeDriver.class);

    private record PendingRead(long index, CompletableFuture<Long> future) {
    }

    private record PendingConfChange(long index, long term, CompletableFuture<Long> future) {
    }

    private final RaftCore core;
    private final NodeStorage storage;
    private final RaftTransport transport;
    private final NodeInputs inputs;
    private final Runnable afterReady;
    private final Applier applier;

    /** The Ready handed out and not yet advanced: its persist is under way. */
    private Ready inFlight;
    /** Where the bytes of the snapshot being received go, and which snapshot it is. */
    private SnapshotSpool.Receiving receiving;
    private SnapshotMeta receivingMeta;

    private final Map<Long, CompletableFuture<Long>> readsAwaitingQuorum = new HashMap<>();
    private final ArrayDeque<PendingRead> readsAwaitingApply = new ArrayDeque<>();
    /** Membership changes this node proposed, by index, until an entry is applied there. */
    private final Map<Long, PendingConfChange> confChanges = new HashMap<>();
    private long nextReadContext = 1;
    private long appliedIndex;
    private boolean stopped;
    private final NodeLatencies latencies = new NodeLatencies();

    /**
     * Drives {@code core}, whose state machine {@code applierFactory} builds on this driver (a
     * service host proposes through it). The state machine resumes from its own durable state if
     * the core's log holds the entry that state is at, or else is restored from the core's
     * snapshot, if it has one; {@code afterReady} runs after each Ready is advanced (status, checks).
     */
    public NodeDriver(RaftCore core, NodeStorage storage, RaftTransport transport, NodeInputs inputs,
                      Function<ReplicatedLog, Applier> applierFactory, Runnable afterReady) {
        this.core = Objects.requireNonNull(core, "core");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.inputs = Objects.requireNonNull(inputs, "inputs");
        this.afterReady = Objects.requireNonNull(afterReady, "afterReady");
        this.appliedIndex = core.appliedIndex();
        this.applier = Objects.requireNonNull(applierFactory.apply(this), "applier");
        DurablePoint durable = applier.durablyApplied();
        boolean resumed = durable != null && core.resumeApplied(durable.index(), durable.term());
        if (durable != null) {
            applier.resumeDurable(resumed);
        }
        if (resumed) {
            this.appliedIndex = durable.index();
        } else if (core.snapshot() != null) {
            applier.restore(core.snapshot());
        }
    }

    @Override
    public int id() {
        return core.id();
    }

    /** The core, to read its state; inputs go through this driver. */
    public RaftCore core() {
        return core;
    }

    /** Index of the last entry the state machine applied (or the snapshot it restored). */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** How long this node's steps take; histograms readable from any thread. */
    public NodeLatencies latencies() {
        return latencies;
    }

    /** A Ready is being persisted: inputs must wait until it is done. */
    public boolean busy() {
        return inFlight != null;
    }

    // ------------------------------------------------------------------ node-thread inputs

    /** One tick of the node's clock. */
    public void tick() {
        requireIdle();
        core.tick();
    }

    /** A message from a peer. */
    public void step(Message m) {
        requireIdle();
        core.step(m);
    }

    private void requireIdle() {
        if (inFlight != null) {
            throw new IllegalStateException("node " + core.id() + ": input while a Ready is being persisted");
        }
    }

    // ------------------------------------------------------------------ ReplicatedLog (any thread)

    /**
     * Proposes {@code data}. Completes with where the leader placed it, or fails with
     * {@link NotLeaderException}; whether it commits is seen by the {@link Applier}.
     */
    @Override
    public CompletableFuture<Proposal> propose(byte[] data) {
        Objects.requireNonNull(data, "data");
        CompletableFuture<Proposal> f = new CompletableFuture<>();
        submit(f, () -> {
            long index = core.propose(data);
            if (index == RaftCore.REJECTED) {
                f.completeExceptionally(new NotLeaderException(core.id(), core.leader()));
            } else {
                latencies.proposed(index, core.term());
                f.complete(new Proposal(index, core.term()));
            }
        });
        return f;
    }

    /**
     * A linearizable read point (ReadIndex): completes with the read index once a quorum confirmed
     * this node still leads and the local state machine has applied that index, so reading local
     * state then is linearizable. Fails with {@link NotLeaderException} if leadership is lost first.
     */
    @Override
    public CompletableFuture<Long> readIndex() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        submit(f, () -> {
            long context = nextReadContext++;
            if (core.readIndex(context)) {
                readsAwaitingQuorum.put(context, f);
            } else {
                f.completeExceptionally(new NotLeaderException(core.id(), core.leader()));
            }
        });
        return f;
    }

    /**
     * Proposes a membership change. Completes with the index of its configuration entry once this
     * node applies that entry — the change is committed — or fails: {@link NotLeaderException} if
     * this node does not lead, {@link io.shardkv.raft.core.confchange.ConfChangeException} if the
     * leader refuses it (with why), {@link ConfChangeLostException} if another entry committed at
     * its index. A change that touches more than one voter completes when the joint configuration
     * commits; the leader then leaves it on its own.
     */
    public CompletableFuture<Long> proposeConfChange(ConfChange change) {
        Objects.requireNonNull(change, "change");
        CompletableFuture<Long> f = new CompletableFuture<>();
        submit(f, () -> {
            long index;
            try {
                index = core.proposeConfChange(change);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
                return;
            }
            if (index == RaftCore.REJECTED) {
                f.completeExceptionally(new NotLeaderException(core.id(), core.leader()));
            } else {
                confChanges.put(index, new PendingConfChange(index, core.term(), f));
            }
        });
        return f;
    }

    /** As leader, how far each other member is behind (empty on other nodes); see {@link RaftCore#replicationProgress}. */
    public CompletableFuture<List<ReplicationProgress>> replicationProgress() {
        CompletableFuture<List<ReplicationProgress>> f = new CompletableFuture<>();
        submit(f, () -> f.complete(core.replicationProgress()));
        return f;
    }

    /** The configuration this node acts under, the index that set it, and whether it is committed. */
    public Membership membership() {
        return new Membership(core.membership(), core.membershipIndex(), core.membershipIndex() <= core.commitIndex());
    }

    /** Asks this node, if it leads, to hand leadership to {@code target}; completes with whether it leads. */
    public CompletableFuture<Boolean> transferLeadership(int target) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        submit(f, () -> f.complete(core.transferLeadership(target)));
        return f;
    }

    /**
     * Takes a snapshot of what the state machine captured in {@code image} at {@code index}: the
     * storage writes the image while this node goes on, then it is put in place and the log before
     * it discarded. Completes once done — at once, with nothing written, if a snapshot from the
     * leader already covers the index, or once written if one arrived meanwhile (it is dropped).
     */
    @Override
    public CompletableFuture<Void> compact(long index, SnapshotImage image) {
        Objects.requireNonNull(image, "image");
        CompletableFuture<Void> f = new CompletableFuture<>();
        submit(f, () -> {
            if (index < core.firstLogIndex()) {
                f.complete(null);
                return;
            }
            SnapshotMeta meta = core.snapshotMeta(index);
            storage.writeSnapshot(meta, image).whenComplete((written, error) -> {
                if (error != null) {
                    f.completeExceptionally(error instanceof CompletionException c && c.getCause() != null
                            ? c.getCause() : error);
                } else {
                    installWritten(meta, written, f);
                }
            });
        });
        return f;
    }

    /** Back on the node's thread with a written snapshot: put it in place unless it is covered already. */
    private void installWritten(SnapshotMeta meta, NodeStorage.WrittenSnapshot written, CompletableFuture<Void> f) {
        inputs.submit(NodeInputs.task(() -> {
            try {
                if (meta.index() < core.firstLogIndex()) {
                    written.discard();
                } else {
                    core.compact(written.install());
                }
                f.complete(null);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
                throw e;
            }
        }, why -> {
            f.completeExceptionally(why);
            try {
                written.discard();
            } catch (RuntimeException e) {
                LOG.warn("node {}: could not delete an unused snapshot: {}", core.id(), e.toString());
            }
        }));
    }

    /** Runs {@code action} on the node's thread; dropped (with a WARN) if the node stopped or is overloaded. */
    @Override
    public void execute(Runnable action) {
        Objects.requireNonNull(action, "action");
        inputs.submit(NodeInputs.task(action,
                why -> LOG.warn("node {}: action not run: {}", core.id(), why.getMessage())));
    }

    private void submit(CompletableFuture<?> f, Runnable action) {
        inputs.submit(NodeInputs.task(action, f::completeExceptionally));
    }

    // ------------------------------------------------------------------ Readies (node thread)

    /** Handles Readies until none is left, or until one waits for an asynchronous persist. */
    public void processReadies() {
        while (!stopped && inFlight == null && core.hasReady()) {
            Ready rd = core.ready();
            inFlight = rd;
            rd.messagesBeforePersist().forEach(transport::send);
            for (SnapshotChunk chunk : rd.snapshotChunks()) {
                transport.send(chunk.read());
                latencies.snapshotChunkSent(chunk.to(), chunk.offset(), chunk.last());
            }
            Snapshot received = spool(rd);
            // Committed entries are durable on a quorum already (the leader counts its own entries
            // only once they are durable here), so they are applied — and their clients answered —
            // before this Ready's fsync rather than after it. Not past a snapshot: that restores first.
            if (rd.snapshot() == null) {
                applyCommitted(rd);
            }
            storage.persist(rd, received, stored -> persisted(rd, stored));
        }
    }

    /** The rest of {@code rd} once it is durable; {@code stored} is its snapshot as stored, or null. */
    private void persisted(Ready rd, Snapshot stored) {
        if (inFlight != rd) {
            throw new IllegalStateException("node " + core.id() + ": persisted a Ready that is not in flight");
        }
        if ((stored == null) != (rd.snapshot() == null)) {
            throw new IllegalStateException("node " + core.id() + ": Ready snapshot " + rd.snapshot() + " stored as "
                    + stored);
        }
        rd.messages().forEach(transport::send);
        if (stored != null) {
            applier.restore(stored);
            appliedIndex = stored.index();
            applyCommitted(rd);
        }
        if (rd.softState() != null) {
            onSoftStateChange(rd.softState());
            applier.onSoftStateChange(rd.softState());
        }
        core.advance(rd);
        if (stored != null) {
            core.snapshotStored(stored);
        }
        inFlight = null;
        afterReady.run();
    }

    /**
     * Carries out the Ready's spool steps; returns the snapshot it names, with the spooled bytes,
     * or null if it names none.
     */
    private Snapshot spool(Ready rd) {
        SnapshotSpool.Receiving completed = null;
        SnapshotMeta completedMeta = null;
        SnapshotData completedData = null;
        for (SpoolStep step : rd.spool()) {
            if (step instanceof SpoolStep.Begin begin) {
                if (receiving != null) {
                    throw new IllegalStateException("node " + core.id() + ": snapshot " + begin.meta()
                            + " begins while " + receivingMeta + " is being received");
                }
                receiving = storage.spool().begin(begin.meta(), begin.totalBytes());
                receivingMeta = begin.meta();
            } else if (step instanceof SpoolStep.Append append) {
                requireReceiving(step).append(append.bytes());
            } else if (step instanceof SpoolStep.Complete complete) {
                if (!complete.meta().equals(receivingMeta)) {
                    throw new IllegalStateException("node " + core.id() + ": snapshot " + complete.meta()
                            + " completes while " + receivingMeta + " is being received");
                }
                if (completed != null) {
                    completed.abort();
                }
                completed = receiving;
                completedMeta = receivingMeta;
                completedData = receiving.finish();
                receiving = null;
                receivingMeta = null;
            } else {
                requireReceiving(step).abort();
                receiving = null;
                receivingMeta = null;
            }
        }
        if (rd.snapshot() == null) {
            if (completed != null) {
                throw new IllegalStateException("node " + core.id() + ": snapshot " + completedMeta
                        + " completed but the Ready installs none");
            }
            return null;
        }
        if (!rd.snapshot().equals(completedMeta)) {
            throw new IllegalStateException("node " + core.id() + ": the Ready installs snapshot " + rd.snapshot()
                    + " but the spool completed " + completedMeta);
        }
        return new Snapshot(completedMeta, completedData);
    }

    private SnapshotSpool.Receiving requireReceiving(SpoolStep step) {
        if (receiving == null) {
            throw new IllegalStateException("node " + core.id() + ": " + step + " with no snapshot being received");
        }
        return receiving;
    }

    /** Applies the Ready's committed entries and serves the reads they make possible. */
    private void applyCommitted(Ready rd) {
        for (Entry e : rd.committedEntries()) {
            latencies.committed(e.index(), e.term());
            long start = System.nanoTime();
            applier.apply(e);
            latencies.apply().observeSince(start);
            appliedIndex = e.index();
            if (!confChanges.isEmpty()) {
                settleConfChange(e);
            }
        }
        if (!rd.committedEntries().isEmpty()) {
            applier.appliedBatch();
        }
        for (ReadState rs : rd.readStates()) {
            CompletableFuture<Long> f = readsAwaitingQuorum.remove(rs.context());
            if (f != null) {
                readsAwaitingApply.add(new PendingRead(rs.index(), f));
            }
        }
        while (!readsAwaitingApply.isEmpty() && readsAwaitingApply.peekFirst().index() <= appliedIndex) {
            PendingRead read = readsAwaitingApply.pollFirst();
            read.future().complete(read.index());
        }
    }

    /** A proposed change is decided by whatever entry is applied at its index. */
    private void settleConfChange(Entry e) {
        PendingConfChange pending = confChanges.remove(e.index());
        if (pending == null) {
            return;
        }
        if (e.term() == pending.term() && e.kind() == Entry.Kind.CONFIG) {
            pending.future().complete(e.index());
        } else {
            pending.future().completeExceptionally(new ConfChangeLostException(pending.index(), pending.term()));
        }
    }

    /** Reads not yet confirmed by a quorum die with the leadership they were issued under. */
    private void onSoftStateChange(SoftState soft) {
        if (soft.role() != Role.LEADER) {
            latencies.leadershipLost();
        }
        if (soft.role() != Role.LEADER && !readsAwaitingQuorum.isEmpty()) {
            NotLeaderException e = new NotLeaderException(core.id(), soft.leader());
            readsAwaitingQuorum.values().forEach(f -> f.completeExceptionally(e));
            readsAwaitingQuorum.clear();
        }
    }

    /**
     * The node stopped (an error, a close, a simulated crash): every read still waiting fails with
     * {@code why}, and the snapshot being received is dropped. Nothing more is handled.
     */
    public void stop(NodeStoppedException why) {
        stopped = true;
        readsAwaitingQuorum.values().forEach(f -> f.completeExceptionally(why));
        readsAwaitingQuorum.clear();
        readsAwaitingApply.forEach(r -> r.future().completeExceptionally(why));
        readsAwaitingApply.clear();
        confChanges.values().forEach(c -> c.future().completeExceptionally(why));
        confChanges.clear();
        if (receiving != null) {
            try {
                receiving.abort();
            } catch (RuntimeException e) {
                LOG.warn("node {}: could not drop the snapshot being received: {}", core.id(), e.toString());
            }
            receiving = null;
        }
    }
}
