package io.shardkv.raft.node;

import io.shardkv.rpc.LatencyHistogram;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * How long a node's steps take, for metrics: a proposal from being appended to being committed (on
 * the leader that took it), an entry's apply, a snapshot's transfer to a follower. Recorded on the
 * node's thread; the histograms are read from any.
 */
public final class NodeLatencies {

    private record Proposed(long index, long term, long startNanos) {
    }

    private final LatencyHistogram commit = new LatencyHistogram();
    private final LatencyHistogram apply = new LatencyHistogram();
    private final LatencyHistogram snapshotSend = new LatencyHistogram();
    /** This leader's proposals not yet seen committed, in index order. */
    private final ArrayDeque<Proposed> proposed = new ArrayDeque<>();
    /** When the snapshot now streaming to each follower started. */
    private final Map<Integer, Long> sendingSince = new HashMap<>();

    /** Proposal appended by this leader → committed; only proposals that committed where they were appended. */
    public LatencyHistogram commit() {
        return commit;
    }

    /** One log entry applied to the state machine. */
    public LatencyHistogram apply() {
        return apply;
    }

    /** A snapshot streamed to a follower: its first chunk sent → its last chunk sent (the follower's acks pace it). */
    public LatencyHistogram snapshotSend() {
        return snapshotSend;
    }

    void proposed(long index, long term) {
        proposed.addLast(new Proposed(index, term, System.nanoTime()));
    }

    /** The entry at {@code index} of {@code term} is committed: every proposal at or below it is decided. */
    void committed(long index, long term) {
        while (!proposed.isEmpty() && proposed.peekFirst().index() <= index) {
            Proposed p = proposed.pollFirst();
            if (p.index() == index && p.term() == term) {
                commit.observeSince(p.startNanos());
            }
        }
    }

    /** Leadership ended: what it proposed and has not seen committed is no longer timed. */
    void leadershipLost() {
        proposed.clear();
        sendingSince.clear();
    }

    void snapshotChunkSent(int to, long offset, boolean last) {
        if (offset == 0) {
            sendingSince.put(to, System.nanoTime());
        }
        Long since = last ? sendingSince.remove(to) : null;
        if (since != null) {
            snapshotSend.observeSince(since);
        }
    }
}
