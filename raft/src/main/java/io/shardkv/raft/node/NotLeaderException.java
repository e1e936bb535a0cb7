package io.shardkv.raft.node;

import io.shardkv.raft.core.RaftCore;

/** This node cannot serve the request because it is not the leader; {@link #leaderHint()} may know who is. */
public final class NotLeaderException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int leaderHint;

    public NotLeaderException(int nodeId, int leaderHint) {
        super("node " + nodeId + " is not the leader" + (leaderHint == RaftCore.NONE ? "" : "; try node " + leaderHint),
                null, false, false);
        this.leaderHint = leaderHint;
    }

    /** The leader this node knows of, or {@link RaftCore#NONE}. */
    public int leaderHint() {
        return leaderHint;
    }
}
