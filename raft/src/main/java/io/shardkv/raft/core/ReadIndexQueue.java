package io.shardkv.raft.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A leader's ReadIndex requests (dissertation §6.4). Each request records the commit index at the
 * time it arrived and gets a sequence number; the leader asks followers to confirm the newest
 * sequence with a heartbeat, and once a quorum has confirmed sequence s every request up to s is
 * released, because a quorum still accepted this node as leader after those requests arrived.
 * Requests that arrive before the leader has committed an entry of its own term wait for that
 * commit: only then is the commit index known to cover every write acknowledged by any leader.
 */
final class ReadIndexQueue {

    private record Pending(long context, long index, long seq) {
    }

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final List<Long> awaitingCommit = new ArrayList<>();
    /** Never reset, so a sequence number identifies one request for the node's lifetime. */
    private long lastSeq;

    long lastSeq() {
        return lastSeq;
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    long add(long context, long index) {
        lastSeq++;
        pending.add(new Pending(context, index, lastSeq));
        return lastSeq;
    }

    void awaitCommit(long context) {
        awaitingCommit.add(context);
    }

    List<Long> drainAwaitingCommit() {
        List<Long> drained = List.copyOf(awaitingCommit);
        awaitingCommit.clear();
        return drained;
    }

    /** Releases every request with a sequence number at or below {@code confirmedSeq}. */
    void release(long confirmedSeq, List<ReadState> out) {
        while (!pending.isEmpty() && pending.peekFirst().seq() <= confirmedSeq) {
            Pending p = pending.pollFirst();
            out.add(new ReadState(p.index(), p.context()));
        }
    }

    void clear() {
        pending.clear();
        awaitingCommit.clear();
    }
}
