package io.shardkv.raft.core.quorum;

/** The outcome of an election (or any yes/no poll) so far, as a quorum sees it. */
public enum VoteResult {
    /** Neither side has a quorum yet: more answers may decide it. */
    PENDING,
    /** Enough voters said no that a quorum of yes is no longer possible. */
    LOST,
    /** A quorum said yes. */
    WON
}
