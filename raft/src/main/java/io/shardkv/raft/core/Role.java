package io.shardkv.raft.core;

/** The role a node plays in its current term (Raft §5.2, plus the PreVote phase of dissertation §9.6). */
public enum Role {
    FOLLOWER,
    /** Asking whether an election could be won, without raising the term. */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
