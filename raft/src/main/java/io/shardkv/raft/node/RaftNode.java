package io.shardkv.raft.node;

import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.Message;
import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.core.ReadState;
import io.shardkv.raft.core.Ready;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.SoftState;
import io.shardkv.raft.storage.RaftStorage;
import io.shardkv.raft.storage.StorageStats;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime around one {@link RaftCore}: a single thread owns the core and everything it touches;
 * other threads talk to it only through the inbox. Each loop iteration handles a batch of inputs,
 * then for every Ready: sends the leader's replication traffic, makes the Ready durable (one log
 * fsync), sends the rest (votes, acknowledgements — never before what they promise is durable),
 * applies committed entries, completes released reads and calls {@code advance}. Ticks come from
 * the same loop, so there are no locks and no other timer thread.
 *
 * <p>Any exception on the node thread — a storage error or a broken invariant — stops the node:
 * it is logged, every pending request fails with {@link NodeStoppedException}, and nothing more is
 * written or sent.
 */
public final class RaftNode implements ReplicatedLog, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    private final int id;
    private final NodeOptions options;
    private final RaftCore core;
    private final RaftStorage storage;
    private final RaftTransport transport;
    private final Applier applier;
    private final BlockingQueue<Input> inbox;
    private final Thread thread;
    /** Writes snapshot images to disk, one at a time, off the node thread. */
    private final ExecutorService snapshotWriter;

    /** Node thread only: reads awaiting quorum confirmation, by context. */
    private final Map<Long, CompletableFuture<Long>> readsAwaitingQuorum = new HashMap<>();
    /** Node thread only: confirmed reads waiting for the state machine to reach their index. */
    private final ArrayDeque<PendingRead> readsAwaitingApply = new ArrayDeque<>();
    private long nextReadContext = 1;
    private long appliedIndex;

    private volatile boolean running = true;
    private volatile NodeStatus status;
    private volatile StorageStats storageStats;
    private volatile Throwable failure;
    private final CompletableFuture<Throwable> failed = new CompletableFuture<>();
    private final AtomicLong droppedMessages = new AtomicLong();

    private record PendingRead(long index, CompletableFuture<Long> future) {
    }

    /** An action for the node thread, and the future of whoever waits on it (null for messages). */
    private record Input(Consumer<RaftCore> action, CompletableFuture<?> future) {
    }

    /**
     * Creates the node from what {@code storage} recovered; {@code applier} is first restored from
     * the recovered snapshot, if any. Call {@link #start()} to run it.
     */
    public RaftNode(NodeOptions options, RaftStorage storage, RaftTransport transport, Applier applier) {
        this(options, storage, transport, node -> applier);
    }

    /**
     * Like {@link #RaftNode(NodeOptions, RaftStorage, RaftTransport, Applier)}, for an applier that
     * needs the node itself (a service host proposing through it).
     */
    public RaftNode(NodeOptions options, RaftStorage storage, RaftTransport transport,
                    Function<ReplicatedLog, Applier> applierFactory) {
        this.options = Objects.requireNonNull(options, "options");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.id = options.raft().id();
        this.core = new RaftCore(options.raft(), storage.recoveredState(), new Random(new SecureRandom().nextLong()),
                storage.snapshotSpool());
        this.appliedIndex = core.appliedIndex();
        this.inbox = new ArrayBlockingQueue<>(options.inboxCapacity());
        this.thread = new Thread(this::run, "raft-node-" + id);
        this.thread.setDaemon(true);
        this.snapshotWriter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "raft-snapshot-" + id);
            t.setDaemon(true);
            return t;
        });
        this.applier = Objects.requireNonNull(applierFactory.apply(this), "applier");
        Snapshot recovered = storage.recoveredState().snapshot();
        if (recovered != null) {
            applier.restore(recovered);
        }
        publishStatus();
    }

    public void start() {
        thread.start();
    }

    @Override
    public int id() {
        return id;
    }

    public NodeStatus status() {
        return status;
    }

    /** The storage's counters as of the last handled Ready. */
    public StorageStats storageStats() {
        return storageStats;
    }

    /** Messages refused because the inbox was full. */
    public long droppedMessages() {
        return droppedMessages.get();
    }

    /** Hands a message from a peer to the node; dropped (and counted) if the inbox is full. */
    public void receive(Message message) {
        if (!running || !inbox.offer(new Input(core -> core.step(message), null))) {
            droppedMessages.incrementAndGet();
        }
    }

    /**
     * Proposes {@code data}. Completes with where the leader placed it, or fails with
     * {@link NotLeaderException}; whether it commits is seen by the {@link Applier}.
     */
    @Override
    public CompletableFuture<Proposal> propose(byte[] data) {
        Objects.requireNonNull(data, "data");
        CompletableFuture<Proposal> f = new CompletableFuture<>();
        submit(f, core -> {
            long index = core.propose(data);
            if (index == RaftCore.REJECTED) {
                f.completeExceptionally(new NotLeaderException(id, core.leader()));
            } else {
                f.complete(new Proposal(index, core.term()));
            }
        });
        return f;
    }

    /**
     * A linearizable read point (ReadIndex): completes with an index once the local state machine
     * has applied it and a quorum confirmed this node still leads, so reading local state then is
     * linearizable. Fails with {@link NotLeaderException} if leadership is lost first.
     */
    @Override
    public CompletableFuture<Long> readIndex() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        submit(f, core -> {
            long context = nextReadContext++;
            if (core.readIndex(context)) {
                readsAwaitingQuorum.put(context, f);
            } else {
                f.completeExceptionally(new NotLeaderException(id, core.leader()));
            }
        });
        return f;
    }

    /** Runs {@code action} on the node thread; dropped (with a WARN) if the node stopped or is overloaded. */
    @Override
    public void execute(Runnable action) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        submit(f, core -> {
            action.run();
            f.complete(null);
        });
        f.whenComplete((ok, notRun) -> {
            if (notRun != null) {
                LOG.warn("node {}: action not run: {}", id, notRun.getMessage());
            }
        });
    }

    /** Asks this node, if it leads, to hand leadership to {@code target}. */
    public CompletableFuture<Boolean> transferLeadership(int target) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        submit(f, core -> f.complete(core.transferLeadership(target)));
        return f;
    }

    /**
     * Takes a snapshot of what the state machine captured in {@code image} at {@code index}: the
     * image is written and fsynced on the snapshot thread while this node goes on, then put in
     * place and the log before it discarded. Completes once done — at once, with nothing written,
     * if a newer snapshot (one from the leader, accepted meanwhile) already covers the index.
     */
    @Override
    public CompletableFuture<Void> compact(long index, SnapshotImage image) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        submit(f, core -> {
            if (index < core.firstLogIndex()) {
                f.complete(null);
                return;
            }
            SnapshotMeta meta = core.snapshotMeta(index);
            try {
                snapshotWriter.execute(() -> writeSnapshot(meta, image, f));
            } catch (RejectedExecutionException e) {
                f.completeExceptionally(stopped());
            }
        });
        return f;
    }

    /** On the snapshot thread. */
    private void writeSnapshot(SnapshotMeta meta, SnapshotImage image, CompletableFuture<Void> f) {
        long start = System.nanoTime();
        Path written;
        try {
            written = storage.writeSnapshot(meta, image);
        } catch (IOException | RuntimeException | Error e) {
            f.completeExceptionally(e);
            return;
        }
        long writeMillis = (System.nanoTime() - start) / 1_000_000;
        submit(f, core -> {
            try {
                if (meta.index() < core.firstLogIndex()) {
                    storage.discardSnapshot(written);
                } else {
                    Snapshot snap = storage.installSnapshot(meta, written);
                    core.compact(snap);
                    LOG.info("node {}: snapshot at {} in place ({} bytes, written in {} ms)", id, meta.index(),
                            snap.data().size(), writeMillis);
                }
            } catch (IOException e) {
                throw new StorageFailure(e);
            }
            f.complete(null);
        });
        if (f.isCompletedExceptionally()) {
            discardQuietly(written);
        }
    }

    private void discardQuietly(Path written) {
        try {
            storage.discardSnapshot(written);
        } catch (IOException e) {
            LOG.warn("node {}: could not delete {}: {}", id, written, e.toString());
        }
    }

    private void submit(CompletableFuture<?> f, Consumer<RaftCore> action) {
        if (!running) {
            f.completeExceptionally(stopped());
        } else if (!inbox.offer(new Input(action, f))) {
            f.completeExceptionally(new IllegalStateException("node " + id + " is overloaded: inbox of "
                    + options.inboxCapacity() + " inputs is full"));
        } else if (!running) {
            // The node stopped while we queued: the node thread may already have drained the inbox.
            failQueuedInputs();
        }
    }

    // ------------------------------------------------------------------ the node thread

    private void run() {
        long tickNanos = options.tick().toNanos();
        long nextTick = System.nanoTime() + tickNanos;
        try {
            while (running) {
                long wait = nextTick - System.nanoTime();
                Input input = wait > 0 ? inbox.poll(wait, TimeUnit.NANOSECONDS) : inbox.poll();
                int handled = 0;
                while (input != null) {
                    input.action().accept(core);
                    if (++handled == options.maxBatch()) {
                        break;
                    }
                    input = inbox.poll();
                }
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    core.tick();
                    // After a stall, resume the cadence rather than firing a burst of ticks.
                    nextTick = Math.max(nextTick + tickNanos, now);
                }
                handleReadies();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (StorageFailure e) {
            fail(e.getCause());
        } catch (RuntimeException | Error e) {
            fail(e);
        } finally {
            running = false;
            failPendingReads();
            failQueuedInputs();
            publishStatus();
        }
    }

    private void handleReadies() {
        while (running && core.hasReady()) {
            Ready rd = core.ready();
            rd.messagesBeforePersist().forEach(transport::send);
            // Committed entries are durable on a quorum already (the leader counts its own entries
            // only once they are durable here), so they are applied — and their clients answered —
            // before this Ready's fsync rather than after it. Not past a snapshot: that restores first.
            boolean applyBeforePersist = rd.snapshot() == null;
            if (applyBeforePersist) {
                applyCommitted(rd);
            }
            Snapshot stored;
            try {
                stored = storage.persist(rd);
            } catch (IOException e) {
                throw new StorageFailure(e);
            }
            rd.messages().forEach(transport::send);
            if (!applyBeforePersist) {
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
            publishStatus();
        }
    }

    /** Applies the Ready's committed entries and serves the reads they make possible. */
    private void applyCommitted(Ready rd) {
        for (Entry e : rd.committedEntries()) {
            applier.apply(e);
            appliedIndex = e.index();
        }
        for (ReadState rs : rd.readStates()) {
            CompletableFuture<Long> f = readsAwaitingQuorum.remove(rs.context());
            if (f != null) {
                readsAwaitingApply.add(new PendingRead(rs.index(), f));
            }
        }
        completeAppliedReads();
    }

    /** Reads not yet confirmed by a quorum die with the leadership they were issued under. */
    private void onSoftStateChange(SoftState soft) {
        if (soft.role() != Role.LEADER && !readsAwaitingQuorum.isEmpty()) {
            NotLeaderException e = new NotLeaderException(id, soft.leader());
            readsAwaitingQuorum.values().forEach(f -> f.completeExceptionally(e));
            readsAwaitingQuorum.clear();
        }
    }

    private void completeAppliedReads() {
        while (!readsAwaitingApply.isEmpty() && readsAwaitingApply.peekFirst().index() <= appliedIndex) {
            readsAwaitingApply.pollFirst().future().complete(appliedIndex);
        }
    }

    private void fail(Throwable t) {
        failure = t;
        LOG.error("node {} term {}: stopping on {}", id, core.term(), t.toString(), t);
        failed.complete(t);
    }

    /**
     * Completes with the error the node stopped on, if it ever stops on one (a closed node never
     * completes it). A process hosting the node should exit then, so that its supervisor restarts it
     * from its disk rather than leave a replica that answers but no longer takes part.
     */
    public CompletableFuture<Throwable> failure() {
        return failed.copy();
    }

    private void failPendingReads() {
        NodeStoppedException e = stopped();
        readsAwaitingQuorum.values().forEach(f -> f.completeExceptionally(e));
        readsAwaitingQuorum.clear();
        readsAwaitingApply.forEach(r -> r.future().completeExceptionally(e));
        readsAwaitingApply.clear();
    }

    /** Fails what is still queued; safe from any thread once {@code running} is false. */
    private void failQueuedInputs() {
        Input input;
        while ((input = inbox.poll()) != null) {
            if (input.future() != null) {
                input.future().completeExceptionally(stopped());
            }
        }
    }

    private NodeStoppedException stopped() {
        Throwable cause = failure;
        return new NodeStoppedException("node " + id + (cause == null ? " is stopped" : " stopped on " + cause), cause);
    }

    private void publishStatus() {
        status = new NodeStatus(id, core.term(), core.role(), core.leader(), core.commitIndex(), appliedIndex,
                core.lastLogIndex(), running);
        storageStats = storage.stats();
    }

    /**
     * Stops the node thread (within one tick: it is not interrupted, since interrupting file I/O
     * closes the channel mid-write) and closes the storage. Pending requests fail with
     * {@link NodeStoppedException}.
     */
    @Override
    public void close() throws IOException {
        running = false;
        snapshotWriter.shutdownNow();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        storage.close();
    }

    /** Carries an IOException out of the node thread's loop. */
    private static final class StorageFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StorageFailure(IOException cause) {
            super(cause);
        }
    }
}
