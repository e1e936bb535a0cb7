package io.shardkv.raft.core.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.quorum.JointConfig;
import io.shardkv.raft.core.quorum.MajorityConfig;
import io.shardkv.raft.core.quorum.VoteResult;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The tracker asks every quorum question of the voters only, and its progress is the leader's alone. */
class ProgressTrackerTest {

    private static ProgressTracker withLearner() {
        MembershipConfig config = new MembershipConfig(JointConfig.of(MajorityConfig.of(1, 2, 3)),
                new TreeSet<>(List.of(4)));
        return new ProgressTracker(config, 8);
    }

    @Test
    void learnersReplicateButNeverCountTowardTheCommitIndex() {
        ProgressTracker t = withLearner();
        t.resetProgress(1, 11, 10);
        t.progress(4).maybeUpdate(10);
        assertEquals(0, t.committed(), "only the leader holds 10 among the voters; the learner does not count");
        t.progress(2).maybeUpdate(10);
        assertEquals(10, t.committed());
        List<Integer> peers = new java.util.ArrayList<>();
        t.forEachPeer(1, (id, pr) -> peers.add(id));
        assertEquals(List.of(2, 3, 4), peers, "the leader replicates to learners too");
    }

    @Test
    void onlyAVotersFirstAnswerCounts() {
        ProgressTracker t = withLearner();
        t.recordVote(1, true);
        t.recordVote(4, true);
        assertEquals(VoteResult.PENDING, t.tallyVotes(), "a learner's vote is not counted");
        t.recordVote(2, false);
        t.recordVote(2, true);
        assertEquals(VoteResult.PENDING, t.tallyVotes(), "2's second answer is ignored");
        t.recordVote(3, true);
        assertEquals(VoteResult.WON, t.tallyVotes());
        t.resetVotes();
        assertEquals(VoteResult.PENDING, t.tallyVotes());
    }

    @Test
    void quorumActiveCountsTheLeaderAndWhoWasHeardThenStartsAFreshRound() {
        ProgressTracker t = withLearner();
        t.resetProgress(1, 1, 0);
        assertTrue(t.quorumActive(1), "a new leader treats everyone as heard from");
        t.progress(4).markRecentActive();
        assertFalse(t.quorumActive(1), "the learner alone does not make a quorum with the leader");
        t.progress(3).markRecentActive();
        assertTrue(t.quorumActive(1));
        assertFalse(t.quorumActive(1), "nobody was heard from since the last round");
    }

    @Test
    void readsAreConfirmedByAQuorumOfVoters() {
        ProgressTracker t = withLearner();
        t.resetProgress(1, 1, 0);
        t.progress(4).ackRead(7);
        assertEquals(0, t.confirmedReadSeq(1, 7));
        assertTrue(t.progress(3).ackRead(5));
        assertFalse(t.progress(3).ackRead(5), "an old confirmation is no news");
        assertEquals(5, t.confirmedReadSeq(1, 7));
    }

    @Test
    void progressExistsOnlyWhileLeading() {
        ProgressTracker t = withLearner();
        assertNull(t.progress(2));
        t.resetProgress(1, 5, 4);
        assertEquals(4, t.progress(1).match());
        assertEquals(5, t.progress(3).next());
        t.clearProgress();
        assertNull(t.progress(3));
    }

    @Test
    void aMemberCannotBeBothVoterAndLearner() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MembershipConfig(
                JointConfig.of(MajorityConfig.of(1, 2, 3)), new TreeSet<>(List.of(3))));
        assertEquals("node 3 cannot be both a voter (1 2 3) and a learner [3]", e.getMessage());
    }
}
