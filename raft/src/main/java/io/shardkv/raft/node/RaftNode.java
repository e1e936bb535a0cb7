package io.shardkv.raft.node;

import io.shardkv.raft.core.Message;
import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.core.ReplicationProgress;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.core.confchange.ConfChange;
import io.shardkv.raft.storage.RaftStorage;
import io.shardkv.raft.storage.StorageStats;
import io.shardkv.rpc.LatencyHistogram;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime around one {@link RaftCore}: a thread, an inbox and a clock for its
 * {@link NodeDriver}, which does everything else. The thread owns the driver; other threads only
 * enqueue into the inbox. Each loop iteration handles a batch of inputs, ticks if a tick is due,
 * then lets the driver handle the Readies (one log fsync each), so there are no locks and no timer
 * thread.
 *
 * <p>Any exception on the node thread — a storage error or a broken invariant — stops the node:
 * it is logged, every pending request fails with {@link NodeStoppedException}, and nothing more is
 * written or sent.
 */
public final class RaftNode implements ReplicatedLog, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    private final int id;
    private final NodeOptions options;
    private final RaftStorage storage;
    private final FileNodeStorage nodeStorage;
    private final NodeDriver driver;
    private final BlockingQueue<NodeInputs.Task> inbox;
    private final Thread thread;

    private volatile boolean running = true;
    private volatile NodeStatus status;
    private volatile Membership membership;
    private volatile Consumer<Membership> membershipListener = m -> { };
    private volatile StorageStats storageStats;
    private volatile Throwable failure;
    private final CompletableFuture<Throwable> failed = new CompletableFuture<>();
    private final AtomicLong droppedMessages = new AtomicLong();
    private final List<CompletableFuture<Void>> leadershipWaiters = new CopyOnWriteArrayList<>();
    private final List<AppliedWaiter> appliedWaiters = new CopyOnWriteArrayList<>();
    /** When the node thread last went round its loop (it does at least once a tick unless stuck). */
    private volatile long lastLoopNanos = System.nanoTime();
    /** Written only in publishStatus, on the node thread (and once before it starts). */
    private volatile long leaderChanges;
    /** The node's latest snapshot (index 0: none), as of the last published status. */
    private volatile long snapshotIndex;
    private volatile long snapshotBytes;
    private int lastLeaderSeen;

    private record AppliedWaiter(long index, CompletableFuture<Void> future) {
    }

    /**
     * Creates the node from what {@code storage} recovered; {@code applier} first resumes from its own
     * durable state or is restored from the recovered snapshot, if any ({@link NodeDriver}). Call {@link #start()} to run it.
     */
    public RaftNode(NodeOptions options, RaftStorage storage, RaftTransport transport, Applier applier) {
        this(options, storage, transport, log -> applier);
    }

    /**
     * Like {@link #RaftNode(NodeOptions, RaftStorage, RaftTransport, Applier)}, for an applier that
     * needs the node's log itself (a service host proposing through it).
     */
    public RaftNode(NodeOptions options, RaftStorage storage, RaftTransport transport,
                    Function<ReplicatedLog, Applier> applierFactory) {
        this.options = Objects.requireNonNull(options, "options");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.id = options.raft().id();
        this.inbox = new ArrayBlockingQueue<>(options.inboxCapacity());
        this.thread = new Thread(this::run, "raft-node-" + id);
        this.thread.setDaemon(true);
        this.nodeStorage = new FileNodeStorage(id, storage);
        RaftCore core = new RaftCore(options.raft(), storage.recoveredState(), new Random(new SecureRandom().nextLong()));
        this.driver = new NodeDriver(core, nodeStorage, Objects.requireNonNull(transport, "transport"), this::submit,
                applierFactory, this::publishStatus);
        publishStatus();
    }

    public void start() {
        membershipListener.accept(membership);
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

    /** How long the node's steps take (commit, apply, snapshot send). */
    public NodeLatencies latencies() {
        return driver.latencies();
    }

    /** Durations of the write-ahead log's fsyncs. */
    public LatencyHistogram fsyncLatency() {
        return storage.fsyncLatency();
    }

    /** Durations of writing this node's own snapshots to disk. */
    public LatencyHistogram snapshotSaveLatency() {
        return storage.snapshotSaveLatency();
    }

    /** Index of the node's latest snapshot, 0 if it has none; any thread. */
    public long snapshotIndex() {
        return snapshotIndex;
    }

    /** Size of the node's latest snapshot, 0 if it has none; any thread. */
    public long snapshotBytes() {
        return snapshotBytes;
    }

    /** Bytes of this node's storage directory on disk; any thread. */
    public long diskBytes() {
        return storage.diskBytes();
    }

    /** Times this node saw a leader other than the last one it knew (the first one included). */
    public long leaderChanges() {
        return leaderChanges;
    }

    /**
     * Nanoseconds since the node thread last went round its loop: about a tick at most while it
     * runs; growing without end if it is stuck (a hung disk, a deadlock).
     */
    public long nanosSinceLoop() {
        return System.nanoTime() - lastLoopNanos;
    }

    /**
     * Completes once this node has applied {@code index} (at once if it has); fails with
     * {@link NodeStoppedException} if the node stops first.
     */
    public CompletableFuture<Void> whenApplied(long index) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        appliedWaiters.add(new AppliedWaiter(index, f));
        // As in whenNotLeading: status is set before waiters are released, so this sees any update missed.
        releaseAppliedWaiters();
        return f;
    }

    private void releaseAppliedWaiters() {
        NodeStatus s = status;
        for (AppliedWaiter w : appliedWaiters) {
            if (s.appliedIndex() >= w.index()) {
                appliedWaiters.remove(w);
                w.future().complete(null);
            } else if (!s.running()) {
                appliedWaiters.remove(w);
                w.future().completeExceptionally(stopped());
            }
        }
    }

    /** Messages refused because the inbox was full. */
    public long droppedMessages() {
        return droppedMessages.get();
    }

    /** Hands a message from a peer to the node; dropped (and counted) if the inbox is full. */
    public void receive(Message message) {
        // A message still queued when the node stops is simply not delivered (Raft retries).
        if (!running || !inbox.offer(NodeInputs.task(() -> driver.step(message), why -> { }))) {
            droppedMessages.incrementAndGet();
        }
    }

    @Override
    public CompletableFuture<Proposal> propose(byte[] data) {
        return driver.propose(data);
    }

    @Override
    public CompletableFuture<Long> readIndex() {
        return driver.readIndex();
    }

    @Override
    public void execute(Runnable action) {
        driver.execute(action);
    }

    /**
     * Reads state owned by the node's thread there: completes with what {@code reader} returns, or
     * fails if the node stopped, its inbox is full, or the reader threw (which does not stop the node).
     */
    public <T> CompletableFuture<T> callOnNodeThread(Supplier<T> reader) {
        CompletableFuture<T> f = new CompletableFuture<>();
        submit(NodeInputs.task(() -> {
            try {
                f.complete(reader.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, f::completeExceptionally));
        return f;
    }

    /** See {@link NodeDriver#proposeConfChange}. */
    public CompletableFuture<Long> proposeConfChange(ConfChange change) {
        return driver.proposeConfChange(change);
    }

    /**
     * Calls {@code listener} on the node's thread whenever the membership this node acts under
     * changes, or becomes committed, and once at start.
     */
    public void onMembershipChange(Consumer<Membership> listener) {
        this.membershipListener = Objects.requireNonNull(listener, "listener");
    }

    /** See {@link NodeDriver#replicationProgress}. */
    public CompletableFuture<List<ReplicationProgress>> replicationProgress() {
        return driver.replicationProgress();
    }

    /** The group's membership as this node last saw it (after its latest Ready). */
    public Membership membership() {
        return membership;
    }

    /**
     * Completes once this node does not lead (at once if it does not now, or has stopped): how a
     * caller waits for a leadership transfer to take effect.
     */
    public CompletableFuture<Void> whenNotLeading() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        leadershipWaiters.add(f);
        // publishStatus sets status before it completes the waiters, so a waiter added after that
        // check sees the new status here.
        if (!leads()) {
            releaseLeadershipWaiters();
        }
        return f;
    }

    private boolean leads() {
        NodeStatus s = status;
        return running && s.role() == Role.LEADER;
    }

    private void releaseLeadershipWaiters() {
        for (CompletableFuture<Void> f : leadershipWaiters) {
            leadershipWaiters.remove(f);
            f.complete(null);
        }
    }

    /** Asks this node, if it leads, to hand leadership to {@code target}. */
    public CompletableFuture<Boolean> transferLeadership(int target) {
        return driver.transferLeadership(target);
    }

    @Override
    public CompletableFuture<Void> compact(long index, SnapshotImage image) {
        return driver.compact(index, image);
    }

    /** Queues {@code task} for the node thread, or rejects it at once if the node stopped or is overloaded. */
    private void submit(NodeInputs.Task task) {
        if (!running) {
            task.reject(stopped());
        } else if (!inbox.offer(task)) {
            task.reject(new IllegalStateException("node " + id + " is overloaded: inbox of "
                    + options.inboxCapacity() + " inputs is full"));
        } else if (!running) {
            // The node stopped while we queued: the node thread may already have drained the inbox.
            rejectQueuedInputs();
        }
    }

    // ------------------------------------------------------------------ the node thread

    private void run() {
        long tickNanos = options.tick().toNanos();
        long nextTick = System.nanoTime() + tickNanos;
        try {
            while (running) {
                lastLoopNanos = System.nanoTime();
                long wait = nextTick - System.nanoTime();
                NodeInputs.Task input = wait > 0 ? inbox.poll(wait, TimeUnit.NANOSECONDS) : inbox.poll();
                int handled = 0;
                while (input != null) {
                    input.run();
                    if (++handled == options.maxBatch()) {
                        break;
                    }
                    input = inbox.poll();
                }
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    driver.tick();
                    // After a stall, resume the cadence rather than firing a burst of ticks.
                    nextTick = Math.max(nextTick + tickNanos, now);
                }
                if (running) {
                    driver.processReadies();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (UncheckedIOException e) {
            fail(e.getCause());
        } catch (RuntimeException | Error e) {
            fail(e);
        } finally {
            running = false;
            driver.stop(stopped());
            rejectQueuedInputs();
            publishStatus();
        }
    }

    private void fail(Throwable t) {
        failure = t;
        LOG.error("node {} term {}: stopping on {}", id, driver.core().term(), t.toString(), t);
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

    /** Rejects what is still queued; safe from any thread once {@code running} is false. */
    private void rejectQueuedInputs() {
        NodeInputs.Task input;
        while ((input = inbox.poll()) != null) {
            input.reject(stopped());
        }
    }

    private NodeStoppedException stopped() {
        Throwable cause = failure;
        return new NodeStoppedException("node " + id + (cause == null ? " is stopped" : " stopped on " + cause), cause);
    }

    private void publishStatus() {
        RaftCore core = driver.core();
        status = new NodeStatus(id, core.term(), core.role(), core.leader(), core.commitIndex(), driver.appliedIndex(),
                core.lastLogIndex(), running);
        if (core.leader() != 0 && core.leader() != lastLeaderSeen) {
            lastLeaderSeen = core.leader();
            leaderChanges++;
        }
        Snapshot snap = core.snapshot();
        snapshotIndex = snap == null ? 0 : snap.index();
        snapshotBytes = snap == null ? 0 : snap.data().size();
        releaseAppliedWaiters();
        Membership now = driver.membership();
        Membership before = membership;
        membership = now;
        if (before == null || !before.equals(now)) {
            membershipListener.accept(now);
        }
        storageStats = storage.stats();
        if (!leads()) {
            releaseLeadershipWaiters();
        }
    }

    /**
     * Stops the node thread (within one tick: it is not interrupted, since interrupting file I/O
     * closes the channel mid-write) and closes the storage. Pending requests fail with
     * {@link NodeStoppedException}.
     */
    @Override
    public void close() throws IOException {
        running = false;
        releaseLeadershipWaiters();
        nodeStorage.close();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        storage.close();
    }
}
