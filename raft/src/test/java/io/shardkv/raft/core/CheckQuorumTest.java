package io.shardkv.raft.core;

import static io.shardkv.raft.core.Cores.ELECTION_TICKS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.Message.VoteRequest;
import io.shardkv.raft.core.Message.VoteResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CheckQuorum (dissertation §6.2) and the leader lease it gives followers (§4.2.3, §9.6): a leader
 * that cannot hear from a majority for an election timeout steps down, and a follower that heard
 * from its leader within the minimum election timeout does not help depose it.
 */
class CheckQuorumTest {

    /** §6.2: an isolated leader steps down within an election timeout of hearing nothing (without a new term). */
    @Test
    void leaderStepsDownWhenQuorumLost() {
        Network n = Network.of(3, Cores.DEFAULTS);
        RaftCore leader = n.elect(1);
        long term = leader.term();
        n.isolate(1);

        n.tickUntil("isolated leader steps down", () -> leader.role() != Role.LEADER, 2 * ELECTION_TICKS, 1);

        assertEquals(term, leader.term());
        assertEquals(RaftCore.NONE, leader.leader());
    }

    /** The contrast: a leader whose followers answer its heartbeats keeps leading, proposals or not. */
    @Test
    void leaderHearingFromQuorumKeepsLeadership() {
        Network n = Network.of(3, Cores.DEFAULTS);
        RaftCore leader = n.elect(1);
        long term = leader.term();
        n.isolate(3);

        n.tick(10 * ELECTION_TICKS);

        assertEquals(Role.LEADER, leader.role());
        assertEquals(term, leader.term());
    }

    /** Without CheckQuorum nothing tells an isolated leader it is cut off: it stays leader. */
    @Test
    void withoutCheckQuorumIsolatedLeaderStaysLeader() {
        Network n = Network.of(3, b -> b.checkQuorum(false));
        RaftCore leader = n.elect(1);
        n.isolate(1);

        n.tick(10 * ELECTION_TICKS, 1);

        assertEquals(Role.LEADER, leader.role());
    }

    /**
     * §4.2.3 / §9.6: a follower that heard from a leader within the election timeout ignores a vote
     * request of a higher term — no term change, no vote, no answer. Once that lease has run out,
     * the same request is granted.
     */
    @Test
    void followerInLeaseIgnoresHigherTermVoteRequest() {
        Network n = Network.of(3, Cores.DEFAULTS);
        RaftCore leader = n.elect(1);
        long term = leader.term();
        RaftCore follower = n.core(2);
        n.isolate(2);
        VoteRequest disruptive = new VoteRequest(3, 2, term + 1, follower.lastLogIndex(), follower.lastLogTerm(),
                false, false);

        n.inject(disruptive);
        assertEquals(term, follower.term());
        assertNotEquals(3, follower.votedFor());
        assertTrue(votesFrom2(n).isEmpty(), "no answer within the lease");

        n.tick(ELECTION_TICKS, 2);
        n.inject(disruptive);
        assertEquals(term + 1, follower.term());
        assertEquals(3, follower.votedFor());
        assertEquals(List.of(true), votesFrom2(n).stream().map(VoteResponse::granted).toList());
    }

    /** dissertation §3.10: a campaign started by a leadership transfer is not disruptive and overrides the lease. */
    @Test
    void transferCampaignOverridesLease() {
        Network n = Network.of(3, Cores.DEFAULTS);
        long term = n.elect(1).term();
        RaftCore follower = n.core(2);
        n.isolate(2);

        n.inject(new VoteRequest(3, 2, term + 1, follower.lastLogIndex(), follower.lastLogTerm(), false, true));

        assertEquals(term + 1, follower.term());
        assertEquals(3, follower.votedFor());
    }

    private static List<VoteResponse> votesFrom2(Network n) {
        return n.sent(VoteResponse.class, 2, 3).stream().filter(v -> !v.preVote()).toList();
    }
}
