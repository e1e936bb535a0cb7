package io.shardkv.raft.core;

import java.util.List;

/**
 * The messages Raft peers exchange. All are one-way: a response is a message of its own, which
 * lets a leader pipeline requests without waiting. Every message carries the sender's term so the
 * receiver can apply the term rules of Figure 2 ("Rules for Servers") before anything else.
 */
public sealed interface Message {

    int from();

    int to();

    long term();

    /**
     * True for requests (what a lab harness would count as an RPC); false for the responses to them.
     */
    default boolean isRequest() {
        return !(this instanceof AppendResponse || this instanceof VoteResponse
                || this instanceof HeartbeatResponse || this instanceof SnapshotAck);
    }

    /**
     * Replicates entries following ({@code prevIndex}, {@code prevTerm}) (Figure 2, AppendEntries RPC).
     * {@code commit} is the leader's commit index.
     */
    record AppendEntries(int from, int to, long term, long prevIndex, long prevTerm,
                         List<Entry> entries, long commit) implements Message {
        public AppendEntries {
            entries = List.copyOf(entries);
        }

        public long lastIndex() {
            return entries.isEmpty() ? prevIndex : entries.get(entries.size() - 1).index();
        }
    }

    /**
     * Answer to {@link AppendEntries} or to a completed snapshot install.
     * On success {@code index} is the highest index known to match the leader's log.
     * On rejection {@code index} is the rejected {@code prevIndex}, and ({@code hintIndex},
     * {@code hintTerm}) is the follower's last entry that could still match: the largest index at or
     * below {@code prevIndex} whose term is at most the leader's {@code prevTerm}. The leader uses
     * it to skip a whole term per round trip (the optimisation at the end of Raft §5.3).
     */
    record AppendResponse(int from, int to, long term, boolean rejected, long index,
                          long hintIndex, long hintTerm) implements Message {
        public static AppendResponse accept(int from, int to, long term, long index) {
            return new AppendResponse(from, to, term, false, index, 0, 0);
        }
    }

    /**
     * RequestVote (Figure 2), or its PreVote probe (dissertation §9.6) when {@code preVote} is set; a
     * PreVote carries the term the sender would campaign in, without having moved to it.
     * {@code transfer} marks an election started by a leadership transfer, which voters grant even
     * while they still hear from a leader.
     */
    record VoteRequest(int from, int to, long term, long lastIndex, long lastTerm,
                       boolean preVote, boolean transfer) implements Message {
    }

    /** Answer to {@link VoteRequest}. */
    record VoteResponse(int from, int to, long term, boolean preVote, boolean granted) implements Message {
    }

    /**
     * Leader liveness and commit propagation. {@code commit} never exceeds what the receiver is known
     * to hold. {@code readSeq} is the newest ReadIndex request the leader wants confirmed (0 if none).
     */
    record Heartbeat(int from, int to, long term, long commit, long readSeq) implements Message {
    }

    /** Answer to {@link Heartbeat}, echoing its {@code readSeq}. */
    record HeartbeatResponse(int from, int to, long term, long readSeq) implements Message {
    }

    /**
     * One chunk of a snapshot (Figure 13, InstallSnapshot RPC): bytes [{@code offset},
     * {@code offset + data.length}) of a snapshot {@code totalBytes} long; {@code done} on the last.
     */
    record InstallSnapshot(int from, int to, long term, SnapshotMeta meta, long totalBytes,
                           long offset, byte[] data, boolean done) implements Message {
    }

    /**
     * Progress of a snapshot transfer: the receiver holds the first {@code nextOffset} bytes of the
     * snapshot at {@code snapshotIndex}. {@code outOfOrder} is set when the chunk just received did
     * not start at {@code nextOffset}, so the leader should rewind.
     */
    record SnapshotAck(int from, int to, long term, long snapshotIndex, long nextOffset,
                       boolean outOfOrder) implements Message {
    }

    /** Tells the target of a leadership transfer to campaign at once (dissertation §3.10). */
    record TimeoutNow(int from, int to, long term) implements Message {
    }
}
