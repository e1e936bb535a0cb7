package io.shardkv.raft.core;

/**
 * The state Raft must make durable before it answers any message (Figure 2, "persistent state"):
 * the current term, the vote cast in it, and the commit index (kept so a restarted node can
 * re-apply what it knew was committed without waiting for a leader).
 *
 * @param term   latest term this node has seen
 * @param vote   candidate voted for in {@code term}, or {@link RaftCore#NONE}
 * @param commit highest log index known to be committed
 */
public record HardState(long term, int vote, long commit) {

    public static final HardState EMPTY = new HardState(0, RaftCore.NONE, 0);

    public HardState {
        if (term < 0) {
            throw new IllegalArgumentException("term must be >= 0, was " + term);
        }
        if (commit < 0) {
            throw new IllegalArgumentException("commit must be >= 0, was " + commit);
        }
    }
}
