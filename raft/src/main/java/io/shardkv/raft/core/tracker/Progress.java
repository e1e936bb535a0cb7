package io.shardkv.raft.core.tracker;

import io.shardkv.raft.core.Snapshot;

/**
 * A leader's view of one member (Figure 2, "volatile state on leaders", extended with the flow
 * control of etcd-style replication): how much of the log is known to match ({@code match}), what
 * to send next ({@code next}), and in which mode. Every change goes through a method here.
 *
 * <ul>
 *   <li>{@link State#PROBE}: the follower's position is unknown; send one AppendEntries at a time
 *   and wait for its answer (or a heartbeat answer) before sending another.</li>
 *   <li>{@link State#REPLICATE}: the follower is known to match; stream entries optimistically,
 *   up to a bounded window of unacknowledged messages.</li>
 *   <li>{@link State#SNAPSHOT}: the entries the follower needs are compacted away; send it the
 *   snapshot in chunks, nothing else, until it reports the snapshot installed.</li>
 * </ul>
 */
public final class Progress {

    public enum State { PROBE, REPLICATE, SNAPSHOT }

    private long match;
    private long next;
    private State state = State.PROBE;
    /** In PROBE: an AppendEntries is outstanding; wait for an answer before probing again. */
    private boolean probeSent;
    /** Heard from this member since the last CheckQuorum round. */
    private boolean recentActive;
    /** Highest ReadIndex sequence this member has confirmed in the current term. */
    private long readAck;
    private final Inflights inflights;
    /** In REPLICATE: {@code match} at the previous heartbeat, to detect lost AppendEntries. */
    private long matchAtLastHeartbeat = -1;
    /** In SNAPSHOT: the transfer under way. */
    private SnapshotTransfer transfer;
    /** The leader's heartbeat round of the last heartbeat answer that could trigger a resend. */
    private long heartbeatRound = -1;

    Progress(long match, long next, int maxInflight) {
        this.match = match;
        this.next = next;
        this.inflights = new Inflights(maxInflight);
    }

    public long match() {
        return match;
    }

    public long next() {
        return next;
    }

    public State state() {
        return state;
    }

    public long readAck() {
        return readAck;
    }

    boolean recentActive() {
        return recentActive;
    }

    /** In SNAPSHOT: the transfer under way; otherwise null. */
    public SnapshotTransfer transfer() {
        return transfer;
    }

    /** Whether nothing more may be sent now: a probe is unanswered, the window is full, or a snapshot is going. */
    public boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.full();
            case SNAPSHOT -> true;
        };
    }

    public void becomeProbe() {
        if (state == State.SNAPSHOT) {
            long snapshotIndex = transfer.index();
            resetState(State.PROBE);
            next = Math.max(match + 1, snapshotIndex + 1);
        } else {
            resetState(State.PROBE);
            next = match + 1;
        }
    }

    public void becomeReplicate() {
        resetState(State.REPLICATE);
        next = match + 1;
    }

    /** Starts sending {@code snap}; a transfer already under way is dropped. */
    public void becomeSnapshot(Snapshot snap) {
        resetState(State.SNAPSHOT);
        transfer = new SnapshotTransfer(snap);
    }

    private void resetState(State newState) {
        state = newState;
        probeSent = false;
        inflights.reset();
        transfer = null;
        matchAtLastHeartbeat = -1;
    }

    /**
     * Records an acknowledgement up to {@code index}; returns true if {@code match} advanced, which
     * also frees the in-flight messages it covers.
     */
    public boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            probeSent = false;
            if (state == State.REPLICATE) {
                inflights.freeLE(index);
            }
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /**
     * Handles a rejection of the AppendEntries whose prevIndex was {@code rejected}; {@code probeHint}
     * is the highest index that may still match. Returns false if the rejection is stale (it
     * answers a probe other than the one outstanding, or arrives during a snapshot transfer).
     */
    public boolean maybeDecrTo(long rejected, long probeHint) {
        if (state == State.REPLICATE) {
            // At or below match the rejection is stale (reordered) or the follower lost entries it had
            // acknowledged; either way a probe at match tells which, at the cost of one round trip.
            next = match + 1;
            return true;
        }
        if (state == State.SNAPSHOT || next - 1 != rejected) {
            return false;
        }
        if (rejected <= match) {
            // A probe at match rejected: the follower no longer holds what it acknowledged. Lowering
            // match is safe (the commit index never goes back), and resending is the only way on.
            match = Math.max(0, Math.min(probeHint, rejected - 1));
        }
        next = Math.max(Math.min(rejected, probeHint + 1), match + 1);
        probeSent = false;
        return true;
    }

    /** Records that an AppendEntries ending at {@code lastIndex} with {@code count} entries was sent. */
    public void sentEntries(long lastIndex, int count) {
        if (state == State.REPLICATE) {
            if (count > 0) {
                next = lastIndex + 1;
                inflights.add(lastIndex);
            }
        } else if (state == State.PROBE) {
            probeSent = true;
        }
    }

    /** In PROBE: allows another probe although the last one is unanswered (it may have been lost). */
    public void unpauseProbe() {
        probeSent = false;
    }

    /** Heard from this member (any answer counts for CheckQuorum). */
    public void markRecentActive() {
        recentActive = true;
    }

    void clearRecentActive() {
        recentActive = false;
    }

    /** Records that this member confirmed ReadIndex sequence {@code seq}; true if that is news. */
    public boolean ackRead(long seq) {
        if (seq <= readAck) {
            return false;
        }
        readAck = seq;
        return true;
    }

    /**
     * Records that this member answered a heartbeat of round {@code round}; true if it is the first
     * answer of that round, the only one that may trigger a resend.
     */
    public boolean firstAnswerInRound(long round) {
        boolean first = heartbeatRound != round;
        heartbeatRound = round;
        return first;
    }

    /**
     * Called once per heartbeat interval in REPLICATE: true if entries were outstanding and the
     * follower acknowledged nothing since the previous call — an AppendEntries was lost.
     */
    public boolean replicationStalled() {
        boolean outstanding = next - 1 > match;
        boolean stalled = outstanding && match == matchAtLastHeartbeat;
        matchAtLastHeartbeat = match;
        return stalled;
    }

    @Override
    public String toString() {
        return state + "{match=" + match + ", next=" + next + (probeSent ? ", paused" : "")
                + (state == State.REPLICATE ? ", inflight=" + inflights.count() : "")
                + (state == State.SNAPSHOT ? ", " + transfer : "") + "}";
    }
}
