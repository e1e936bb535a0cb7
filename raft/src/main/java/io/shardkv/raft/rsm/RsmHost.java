package io.shardkv.raft.rsm;

import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.core.SoftState;
import io.shardkv.raft.node.Applier;
import io.shardkv.raft.node.DurablePoint;
import io.shardkv.raft.node.NodeStoppedException;
import io.shardkv.raft.node.NotLeaderException;
import io.shardkv.raft.node.ReplicatedLog;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link StateMachine} on a Raft group: the replicated state machine host (DESIGN §5).
 *
 * <ul>
 *   <li><b>Writes</b> are proposed wrapped in an {@link RsmCommand} carrying the leader's clock and
 *   the client's session coordinates; the caller waits on (index, term) — if another entry is
 *   applied at that index, or this node stops leading first, it is told {@code WrongLeader} and
 *   retries with the same (client id, seq), which the session table turns into exactly-once.</li>
 *   <li><b>Reads</b> go through ReadIndex: no log entry, linearizable.</li>
 *   <li><b>Snapshots</b> are taken once {@link RsmOptions#snapshotThresholdBytes()} of entries were
 *   applied since the last one; they hold the session table and the service's state.</li>
 * </ul>
 *
 * <p>Single-threaded: every method runs on the node's thread ({@link ReplicatedLog#execute} gets
 * callers there), which is also where the log's futures complete. Nothing here reads a clock
 * during apply; replicated time is the largest leader timestamp applied so far.
 */
public final class RsmHost implements Applier {

    private static final Logger LOG = LoggerFactory.getLogger(RsmHost.class);

    private record PendingWrite(long term, Consumer<RsmOutcome> done) {
    }

    private final StateMachine service;
    private final ReplicatedLog log;
    private final RsmOptions options;
    private final LongSupplier clockMillis;
    private final SessionTable sessions;
    private final Map<Long, PendingWrite> pending = new HashMap<>();
    private final boolean durable;

    private long timeMillis;
    private long appliedIndex;
    private long bytesSinceSnapshot;
    private boolean snapshotInFlight;
    private volatile long resumedAt;
    private volatile long commits;
    private volatile long lastSnapshotBytes;
    private volatile int pendingProposals;
    private volatile long failedProposals;
    private int leaderHint;
    private boolean leader;

    public RsmHost(StateMachine service, ReplicatedLog log, RsmOptions options, LongSupplier clockMillis) {
        this.service = Objects.requireNonNull(service, "service");
        this.log = Objects.requireNonNull(log, "log");
        this.options = Objects.requireNonNull(options, "options");
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
        this.sessions = new SessionTable(options.maxUnackedPerClient(), SessionTable.NewClients.FIRST_COMMAND_ONLY);
        this.durable = service.durable();
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    /**
     * Whether this node led its group at the last role change it saw. A leader may already be
     * deposed without knowing; whatever it proposes is checked again when applied.
     */
    public boolean isLeader() {
        return leader;
    }

    /**
     * The entry this host resumed at when it started, from the service's own durable state; 0 if
     * it started empty or from the snapshot. Any thread.
     */
    public long resumedAt() {
        return resumedAt;
    }

    /** Counters for metrics; any thread. */
    public RsmStats stats() {
        return new RsmStats(commits, lastSnapshotBytes, pendingProposals, failedProposals);
    }

    /** Sessions currently remembered, for tests and metrics. */
    public int sessionCount() {
        return sessions.size();
    }

    // ------------------------------------------------------------------ requests (node thread)

    /** Proposes a client's command; {@code done} gets the service's reply once it is applied. */
    public void submit(long clientId, long seq, long lowestUnacked, byte[] command, Consumer<RsmOutcome> done) {
        RsmCommand.Client c;
        try {
            c = new RsmCommand.Client(clockMillis.getAsLong(), clientId, seq, lowestUnacked, command);
        } catch (IllegalArgumentException e) {
            done.accept(new RsmOutcome.Rejected(e.getMessage()));
            return;
        }
        propose(RsmCommand.encode(c), done);
    }

    /** Proposes a command of the service's own (no session); {@code done} gets its reply once applied. */
    public void submitInternal(byte[] command, Consumer<RsmOutcome> done) {
        propose(RsmCommand.encode(new RsmCommand.Internal(clockMillis.getAsLong(), command)), done);
    }

    private void propose(byte[] entry, Consumer<RsmOutcome> reply) {
        pendingProposals++;
        // The counters are written only on the node's thread; volatile for readers elsewhere.
        Consumer<RsmOutcome> done = outcome -> {
            pendingProposals--;
            if (outcome instanceof RsmOutcome.Ok) {
                commits++;
            } else {
                failedProposals++;
            }
            reply.accept(outcome);
        };
        log.propose(entry).whenComplete((p, error) -> {
            if (error != null) {
                done.accept(failure(error));
                return;
            }
            PendingWrite previous = pending.put(p.index(), new PendingWrite(p.term(), done));
            if (previous != null) {
                // Leadership was lost and regained without a soft-state change reaching us.
                previous.done().accept(new RsmOutcome.WrongLeader(leaderHint));
            }
        });
    }

    /** Answers a read-only query linearizably (ReadIndex), without writing to the log. */
    public void query(byte[] query, Consumer<RsmOutcome> done) {
        log.readIndex().whenComplete((index, error) -> {
            if (error != null) {
                done.accept(failure(error));
            } else {
                done.accept(new RsmOutcome.Ok(service.query(query)));
            }
        });
    }

    private RsmOutcome failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof NotLeaderException nl) {
            return new RsmOutcome.WrongLeader(nl.leaderHint());
        }
        if (cause instanceof NodeStoppedException) {
            return new RsmOutcome.Stopped(cause.getMessage());
        }
        return new RsmOutcome.Rejected(cause.toString());
    }

    // ------------------------------------------------------------------ Applier (node thread)

    @Override
    public void apply(Entry entry) {
        appliedIndex = entry.index();
        RsmOutcome outcome = entry.kind() == Entry.Kind.COMMAND ? applyCommand(entry) : null;
        bytesSinceSnapshot += entry.sizeBytes();
        if (durable) {
            service.applied(entry.index(), entry.term(), this::hostState);
        }
        PendingWrite w = pending.remove(entry.index());
        if (w != null) {
            w.done().accept(w.term() == entry.term() && outcome != null ? outcome : new RsmOutcome.WrongLeader(leaderHint));
        }
        maybeSnapshot();
    }

    private RsmOutcome applyCommand(Entry entry) {
        RsmCommand c = RsmCommand.decode(entry.data());
        timeMillis = Math.max(timeMillis, c.timestampMillis());
        sessions.expire(timeMillis, options.sessionTimeout().toMillis());
        if (c instanceof RsmCommand.Internal internal) {
            return new RsmOutcome.Ok(service.apply(entry.index(), timeMillis, internal.command()));
        }
        RsmCommand.Client cl = (RsmCommand.Client) c;
        SessionTable.Admission a = sessions.admit(cl.clientId(), cl.seq(), cl.lowestUnacked(), timeMillis);
        if (a instanceof SessionTable.Fresh fresh) {
            byte[] reply = service.apply(entry.index(), timeMillis, cl.command());
            fresh.session().record(cl.seq(), reply);
            return new RsmOutcome.Ok(reply);
        }
        if (a instanceof SessionTable.Duplicate d) {
            return new RsmOutcome.Ok(d.reply());
        }
        if (a instanceof SessionTable.Expired) {
            return new RsmOutcome.SessionExpired();
        }
        if (a instanceof SessionTable.TooManyUnacked t) {
            return new RsmOutcome.Rejected("client " + Long.toUnsignedString(cl.clientId()) + " has " + t.limit()
                    + " unacknowledged commands; wait for replies");
        }
        return new RsmOutcome.Rejected("command " + cl.seq() + " of client " + Long.toUnsignedString(cl.clientId())
                + " was already acknowledged");
    }

    @Override
    public void appliedBatch() {
        if (durable) {
            service.commitApplied();
        }
    }

    private void maybeSnapshot() {
        long threshold = options.snapshotThresholdBytes();
        if (threshold == 0 || snapshotInFlight || bytesSinceSnapshot < threshold) {
            return;
        }
        if (durable) {
            service.commitApplied(); // the persist before compaction must find every applied entry committed
        }
        long index = appliedIndex;
        long start = System.nanoTime();
        SnapshotImage captured = captureImage();
        SnapshotImage image = out -> {
            CountingOutputStream counted = new CountingOutputStream(out);
            captured.writeTo(counted);
            lastSnapshotBytes = counted.count();
            if (durable) {
                // The log is compacted up to index once this image is written: a durable state
                // must not be left behind it, or a restart could not resume from that state.
                service.persist();
            }
        };
        long captureMicros = (System.nanoTime() - start) / 1000;
        bytesSinceSnapshot = 0;
        snapshotInFlight = true;
        LOG.info("node {}: snapshot at index {} captured in {} µs ({} sessions); writing it", log.id(), index,
                captureMicros, sessions.size());
        // A failed write completes on the snapshot thread: back to the node's before touching anything.
        log.compact(index, image).whenComplete((ok, error) -> log.execute(() -> {
            snapshotInFlight = false;
            if (error != null) {
                LOG.warn("node {}: snapshot at {} not taken: {}", log.id(), index, error.toString());
            } else {
                // Entries applied while this one was being taken may already be due: without this,
                // they would stay in the log until some later entry is applied.
                maybeSnapshot();
            }
        }));
    }

    /**
     * The whole state as of now ({@link RsmImageHeader} then the service's image). The host's own
     * part is copied now (it is small); the service's is its own copy-on-write capture.
     */
    private SnapshotImage captureImage() {
        byte[] header = hostState();
        SnapshotImage service = this.service.snapshot();
        return out -> {
            out.write(header);
            service.writeTo(out);
        };
    }

    /** What {@link #captureForBackup} ended with. */
    public sealed interface BackupCapture {
        /** The whole state (the same bytes a snapshot holds) at applied {@code index}, at the service's {@code point}. */
        record Taken(long index, long point, SnapshotImage image) implements BackupCapture {
        }

        /** The state is not a backup of the point asked for now, and why (the service may get there). */
        record NotReady(String reason) implements BackupCapture {
        }

        /** The service is past the point asked for: it will never be a backup of it again. */
        record Passed(long point) implements BackupCapture {
        }

        /** No capture: this node does not lead, or stopped ({@link RsmOutcome#WrongLeader} or {@link RsmOutcome#Stopped}). */
        record Failed(RsmOutcome outcome) implements BackupCapture {
        }
    }

    /**
     * Captures the whole state for a backup at a linearizable point: after a ReadIndex round, so it
     * holds every write acknowledged before this call — if the service says the state then is a
     * backup of {@code point} ({@link StateMachine#backupRefusal}); points only grow, so a service
     * past it has {@link BackupCapture.Passed passed} it for good. Cheap on the node's thread, like
     * a snapshot: the image is written out elsewhere.
     */
    public void captureForBackup(long point, Consumer<BackupCapture> done) {
        log.readIndex().whenComplete((index, error) -> {
            if (error != null) {
                done.accept(new BackupCapture.Failed(failure(error)));
                return;
            }
            if (service.backupPoint() > point) {
                done.accept(new BackupCapture.Passed(service.backupPoint()));
                return;
            }
            String refusal = service.backupRefusal(point);
            done.accept(refusal != null ? new BackupCapture.NotReady(refusal)
                    : new BackupCapture.Taken(appliedIndex, service.backupPoint(), captureImage()));
        });
    }

    /** The host's own part of the state ({@link RsmImageHeader}): replicated time and the session table. */
    private byte[] hostState() {
        ByteArrayWriter table = new ByteArrayWriter();
        sessions.writeTo(table);
        return new RsmImageHeader(timeMillis, table.toByteArray()).toBytes();
    }

    @Override
    public DurablePoint durablyApplied() {
        StateMachine.Recovered r = durable ? service.recovered() : null;
        return r == null ? null : new DurablePoint(r.index(), r.term());
    }

    @Override
    public void resumeDurable(boolean taken) {
        if (!taken) {
            service.discardRecovered();
            return;
        }
        StateMachine.Recovered r = service.recovered();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(r.hostState()))) {
            RsmImageHeader header = RsmImageHeader.read(in, "the durable state at " + r.index());
            timeMillis = header.timeMillis();
            sessions.readFrom(ByteBuffer.wrap(header.sessions()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the durable state at " + r.index(), e);
        }
        appliedIndex = r.index();
        resumedAt = r.index();
        LOG.info("node {}: resumed at entry {} from the service's durable state", log.id(), r.index());
    }

    @Override
    public void restore(Snapshot snapshot) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(snapshot.data().open(), 1 << 16))) {
            RsmImageHeader header = RsmImageHeader.read(in, "the snapshot at " + snapshot.index());
            timeMillis = header.timeMillis();
            sessions.readFrom(ByteBuffer.wrap(header.sessions()));
            service.restore(in);
        } catch (IOException e) {
            throw new UncheckedIOException("restoring the snapshot at " + snapshot.index(), e);
        }
        appliedIndex = snapshot.index();
        bytesSinceSnapshot = 0;
        if (durable) {
            service.applied(snapshot.index(), snapshot.term(), this::hostState);
            service.commitApplied();
            // The log now begins after the snapshot: an engine left behind it could only be rebuilt.
            service.persist();
        }
        // What the snapshot covers can no longer be matched to our proposals one by one.
        failPending(index -> index <= snapshot.index());
    }

    @Override
    public void onSoftStateChange(SoftState state) {
        leaderHint = state.leader();
        leader = state.role() == Role.LEADER;
        if (!leader) {
            // Proposals in flight may still commit; their clients retry with the same seq and the
            // session table answers them, so failing them now is safe and frees the clients.
            failPending(index -> true);
        }
    }

    private void failPending(LongPredicate which) {
        List<Long> failed = new ArrayList<>();
        for (Map.Entry<Long, PendingWrite> e : pending.entrySet()) {
            if (which.test(e.getKey())) {
                failed.add(e.getKey());
            }
        }
        failed.sort(null);
        for (long index : failed) {
            pending.remove(index).done().accept(new RsmOutcome.WrongLeader(leaderHint));
        }
    }
}
