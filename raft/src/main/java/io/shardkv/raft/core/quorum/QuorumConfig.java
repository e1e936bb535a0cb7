package io.shardkv.raft.core.quorum;

import java.util.SortedSet;

/**
 * A rule for what a quorum is, over a set of voters: a plain {@link MajorityConfig}, or a
 * {@link JointConfig} (old and new majorities both, dissertation §4.3). Every decision that needs a
 * quorum — the commit index, an election, CheckQuorum, ReadIndex confirmation — is one of these
 * two questions.
 */
public sealed interface QuorumConfig permits MajorityConfig, JointConfig {

    /** Every voter, in id order. */
    SortedSet<Integer> ids();

    /**
     * The largest value a quorum has acknowledged: the highest log index stored on a quorum (Raft
     * §5.3), or the newest read sequence a quorum confirmed (dissertation §6.4). With no voters at
     * all, {@link Long#MAX_VALUE}, so that an empty half of a joint config never holds the other back.
     */
    long committedIndex(AckedIndexer acked);

    /** Whether {@code votes} already decide the poll (§5.2). With no voters, {@link VoteResult#WON}. */
    VoteResult voteResult(VoteSource votes);
}
