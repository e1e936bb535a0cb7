package io.shardkv.raft.core;

import static io.shardkv.raft.core.Cores.ELECTION_TICKS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * PreVote (dissertation §9.6): before raising its term a node asks whether it could win; a node
 * that cannot reach a majority therefore never raises its term, and cannot disrupt the cluster
 * when it comes back.
 */
class PreVoteTest {

    private static final int ISOLATED = 3;

    /**
     * A node partitioned away for many election timeouts keeps campaigning as a pre-candidate at the
     * term it had; when it rejoins, the leader keeps its leadership and nobody's term moves.
     */
    @Test
    void partitionedNodeDoesNotRaiseItsTermAndRejoinsWithoutDisruption() {
        Network n = Network.of(3, Cores.DEFAULTS);
        RaftCore leader = n.elect(1);
        long term = leader.term();

        partitionAndMakeProgress(n);

        RaftCore isolated = n.core(ISOLATED);
        assertEquals(Role.PRE_CANDIDATE, isolated.role());
        assertEquals(term, isolated.term(), "PreVote never raises the term without a winnable election");

        n.heal(ISOLATED);
        n.tickUntil("node 3 follows the leader again", () -> n.agreedLeader() == 1, 2 * ELECTION_TICKS);
        assertEquals(Role.LEADER, leader.role());
        for (Network.Node node : n.nodes()) {
            assertEquals(term, node.core.term(), "node " + node.id);
        }
        assertEquals(leader.lastLogIndex(), isolated.lastLogIndex());
    }

    /**
     * The contrast without PreVote (§9.6's motivation): the partitioned node raises its term on
     * every timeout, and on rejoining its term forces the whole cluster into a new, higher term.
     */
    @Test
    void withoutPreVotePartitionedNodeRaisesItsTermAndDisruptsOnRejoin() {
        Network n = Network.of(3, b -> b.preVote(false));
        RaftCore leader = n.elect(1);
        long term = leader.term();

        partitionAndMakeProgress(n);

        long isolatedTerm = n.core(ISOLATED).term();
        assertEquals(Role.CANDIDATE, n.core(ISOLATED).role());
        assertTrue(isolatedTerm >= term + 5, "term grew only to " + isolatedTerm);

        n.heal(ISOLATED);
        n.tickUntil("a leader again", () -> n.agreedLeader() != RaftCore.NONE, 10 * ELECTION_TICKS);
        assertTrue(n.core(n.agreedLeader()).term() > isolatedTerm, "the cluster had to move past the rejoining term");
    }

    /**
     * etcd's TestNodeWithSmallerTermCanCompleteElection: a pre-candidate left behind at an old term
     * rejoins just as the current leader disappears. A refused PreVote tells it the newer term, so
     * the remaining two nodes can still elect a leader (no standstill).
     */
    @Test
    void nodeWithSmallerTermCanCompleteElection() {
        Network n = Network.of(3, b -> b.preVote(true).checkQuorum(false));
        n.cut(1, 3);
        n.cut(2, 3);
        n.elect(1);
        n.tickUntil("node 3 pre-campaigns alone", () -> n.core(3).role() == Role.PRE_CANDIDATE,
                2 * ELECTION_TICKS, 3);
        RaftCore second = n.elect(2);
        long term = second.term();
        assertEquals(Role.FOLLOWER, n.core(1).role());
        assertTrue(n.core(3).term() < term);

        n.recover();
        n.isolate(2);
        n.tickUntil("node 3 campaigns again", () -> n.core(3).term() == term, 4 * ELECTION_TICKS, 3);
        n.tickUntil("a leader among 1 and 3", () -> n.agreedLeader(1, 3) != RaftCore.NONE, 10 * ELECTION_TICKS, 1, 3);
        assertEquals(1, n.agreedLeader(1, 3), "only node 1 holds the log of term " + term);
    }

    /** Cuts node 3 off for ten election timeouts while the others commit entries it does not get. */
    private static void partitionAndMakeProgress(Network n) {
        n.isolate(ISOLATED);
        for (int i = 0; i < 3; i++) {
            n.propose(1, "while-partitioned-" + i);
        }
        n.tick(10 * ELECTION_TICKS);
        assertEquals(Role.LEADER, n.core(1).role(), "the majority side keeps its leader");
    }
}
