package io.shardkv.raft.core;

/**
 * A leader's view of one follower (Figure 2, "volatile state on leaders", extended with the flow
 * control of etcd-style replication): how much of the log is known to match ({@code match}), what
 * to send next ({@code next}), and in which mode.
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
final class Progress {

    enum State { PROBE, REPLICATE, SNAPSHOT }

    long match;
    long next;
    State state = State.PROBE;
    /** In PROBE: an AppendEntries is outstanding; wait for an answer before probing again. */
    boolean probeSent;
    /** Heard from this follower since the last CheckQuorum round. */
    boolean recentActive;
    /** Highest ReadIndex sequence this follower has confirmed in the current term. */
    long readAck;
    final Inflights inflights;
    /** In REPLICATE: {@code match} at the previous heartbeat, to detect lost AppendEntries. */
    long matchAtLastHeartbeat = -1;

    /** In SNAPSHOT: the snapshot being sent, and the transfer's position. */
    Snapshot snapshot;
    long snapshotSent;
    long snapshotAcked;
    boolean snapshotDone;
    /** Where the follower asked to restart from after an out-of-order chunk, or -1. */
    long snapshotRewindTo = -1;
    /** {@code snapshotAcked} as seen at the previous heartbeat answer, to detect a stalled transfer. */
    long snapshotAckedAtLastHeartbeat = -1;
    /** The leader's heartbeat round of the last heartbeat answer that could trigger a resend. */
    long heartbeatRound = -1;

    Progress(long next, int maxInflight) {
        this.next = next;
        this.inflights = new Inflights(maxInflight);
    }

    boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.full();
            case SNAPSHOT -> true;
        };
    }

    void becomeProbe() {
        if (state == State.SNAPSHOT) {
            long snapshotIndex = snapshot.index();
            resetState(State.PROBE);
            next = Math.max(match + 1, snapshotIndex + 1);
        } else {
            resetState(State.PROBE);
            next = match + 1;
        }
    }

    void becomeReplicate() {
        resetState(State.REPLICATE);
        next = match + 1;
    }

    void becomeSnapshot(Snapshot snap) {
        resetState(State.SNAPSHOT);
        snapshot = snap;
    }

    private void resetState(State newState) {
        state = newState;
        probeSent = false;
        inflights.reset();
        snapshot = null;
        snapshotSent = 0;
        snapshotAcked = 0;
        snapshotDone = false;
        snapshotRewindTo = -1;
        snapshotAckedAtLastHeartbeat = -1;
        matchAtLastHeartbeat = -1;
    }

    /** Records an acknowledgement up to {@code index}; returns true if {@code match} advanced. */
    boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /**
     * Handles a rejection of the AppendEntries whose prevIndex was {@code rejected}; {@code probeHint}
     * is the highest index that may still match. Returns false if the rejection is stale (it
     * answers a probe other than the one outstanding, or arrives during a snapshot transfer).
     */
    boolean maybeDecrTo(long rejected, long probeHint) {
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
    void sentEntries(long lastIndex, int count) {
        if (state == State.REPLICATE) {
            if (count > 0) {
                next = lastIndex + 1;
                inflights.add(lastIndex);
            }
        } else if (state == State.PROBE) {
            probeSent = true;
        }
    }

    @Override
    public String toString() {
        return state + "{match=" + match + ", next=" + next + (probeSent ? ", paused" : "")
                + (state == State.REPLICATE ? ", inflight=" + inflights.count() : "")
                + (state == State.SNAPSHOT ? ", snap=" + snapshot.index() + " acked=" + snapshotAcked : "") + "}";
    }
}
