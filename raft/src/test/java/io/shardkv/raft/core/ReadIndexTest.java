package io.shardkv.raft.core;

import static io.shardkv.raft.core.Cores.ELECTION_TICKS;
import static io.shardkv.raft.core.Cores.HEARTBEAT_TICKS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.Message.AppendResponse;
import io.shardkv.raft.core.Message.HeartbeatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * ReadIndex (dissertation §6.4): a leader serves a linearizable read at its commit index once it has
 * confirmed — by a round of heartbeats answered by a majority — that it was still leader when the
 * read arrived, and only after it has committed an entry of its own term.
 */
class ReadIndexTest {

    /**
     * §6.4 step 3: the read is released only once a majority (the leader included) has answered a
     * heartbeat sent after it arrived.
     */
    @Test
    void leaderReleasesReadOnlyAfterQuorumOfHeartbeatResponses() {
        Network n = Network.of(5, Cores.DEFAULTS);
        RaftCore leader = n.elect(1);
        long commit = leader.commitIndex();
        n.intercept(heartbeatResponsesOnlyFrom(Set.of()));

        assertTrue(leader.readIndex(42));
        n.settle();
        assertTrue(n.node(1).readStates.isEmpty(), "no confirmation yet");

        n.intercept(heartbeatResponsesOnlyFrom(Set.of(2)));
        n.tick(2 * HEARTBEAT_TICKS, 1);
        assertTrue(n.node(1).readStates.isEmpty(), "leader and one follower are 2 of 5");

        n.intercept(heartbeatResponsesOnlyFrom(Set.of(2, 3)));
        n.tick(2 * HEARTBEAT_TICKS, 1);
        assertEquals(List.of(new ReadState(commit, 42)), n.node(1).readStates);
    }

    /**
     * §6.4 step 1: each read is served at the commit index of the moment it arrived; reads are
     * released in the order they arrived, each with its own index.
     */
    @Test
    void readsAreReleasedInOrderEachAtTheCommitIndexWhenItArrived() {
        Network n = Network.of(3, Cores.DEFAULTS);
        RaftCore leader = n.elect(1);
        n.intercept(heartbeatResponsesOnlyFrom(Set.of()));

        long firstIndex = leader.commitIndex();
        assertTrue(leader.readIndex(1));
        n.propose(1, "write");
        long secondIndex = leader.commitIndex();
        assertTrue(secondIndex > firstIndex);
        assertTrue(leader.readIndex(2));
        n.settle();
        assertTrue(n.node(1).readStates.isEmpty());

        n.recover();
        n.tick(HEARTBEAT_TICKS, 1);
        assertEquals(List.of(new ReadState(firstIndex, 1), new ReadState(secondIndex, 2)), n.node(1).readStates);
    }

    /**
     * §6.4 step 3: only heartbeats sent after the read arrived can confirm it; answers to an earlier
     * round, however late they arrive, prove nothing about leadership at the time of the read.
     */
    @Test
    void answersToHeartbeatsSentBeforeTheReadDoNotConfirmIt() {
        Network n = Network.of(3, Cores.DEFAULTS);
        RaftCore leader = n.elect(1);
        List<Message> earlyAnswers = new ArrayList<>();
        n.intercept(m -> {
            if (m instanceof HeartbeatResponse) {
                earlyAnswers.add(m);
                return null;
            }
            return m;
        });
        n.tick(HEARTBEAT_TICKS, 1);
        assertEquals(2, earlyAnswers.size());

        n.intercept(heartbeatResponsesOnlyFrom(Set.of()));
        assertTrue(leader.readIndex(5));
        n.settle();
        earlyAnswers.forEach(n::inject);
        assertTrue(n.node(1).readStates.isEmpty(), "confirmed by a round that predates the read");

        n.recover();
        n.tick(HEARTBEAT_TICKS, 1);
        assertEquals(List.of(5L), n.node(1).readStates.stream().map(ReadState::context).toList());
    }

    /**
     * §6.4 step 1: a new leader does not know the commit index of its predecessor until it commits
     * an entry of its own term (its no-op), so reads wait for that commit and then read at it.
     */
    @Test
    void newLeaderDefersReadsUntilItCommitsAnEntryOfItsTerm() {
        Network n = Network.of(3, Cores.DEFAULTS);
        n.intercept(m -> m instanceof AppendResponse ? null : m);
        RaftCore leader = n.elect(1);
        assertEquals(0, leader.commitIndex());

        assertTrue(leader.readIndex(7));
        n.tick(ELECTION_TICKS - 1, 1);
        assertTrue(n.node(1).readStates.isEmpty(), "heartbeats were answered, but nothing of this term is committed");

        n.recover();
        n.tickUntil("read released", () -> !n.node(1).readStates.isEmpty(), ELECTION_TICKS, 1);
        ReadState read = n.node(1).readStates.get(0);
        assertEquals(7, read.context());
        assertEquals(leader.term(), leader.logTermAt(read.index()), "reads at (at least) the new term's no-op");
        assertTrue(read.index() <= leader.commitIndex());
    }

    /** §6.4: only the leader can serve reads; other nodes refuse at once (the caller redirects). */
    @Test
    void readIndexOnNonLeaderReturnsFalse() {
        Network n = Network.of(3, Cores.DEFAULTS);
        n.elect(1);
        assertFalse(n.core(2).readIndex(1));

        RaftCore candidate = Cores.core(1, 3, Cores.PAPER);
        Cores.tickUntilCampaign(candidate);
        assertFalse(candidate.readIndex(1));
    }

    /**
     * §6.4: a read accepted by a leader that then loses leadership must never be released — not
     * even if the same node later leads again — since a newer leader may have committed writes the
     * read would miss.
     */
    @Test
    void leaderThatLosesLeadershipNeverReleasesItsPendingReads() {
        Network n = Network.of(3, Cores.DEFAULTS);
        RaftCore oldLeader = n.elect(1);
        n.intercept(heartbeatResponsesOnlyFrom(Set.of()));
        assertTrue(oldLeader.readIndex(99));
        n.settle();

        n.isolate(1);
        n.tickUntil("a new leader", () -> n.agreedLeader(2, 3) != RaftCore.NONE, 10 * ELECTION_TICKS, 2, 3);
        int newLeader = n.agreedLeader(2, 3);
        n.propose(newLeader, "written-by-new-leader");
        n.recover();
        n.tickUntil("old leader follows", () -> n.agreedLeader() == newLeader, 2 * ELECTION_TICKS);

        // Node 1 leads again, and confirms a fresh read with a quorum.
        assertTrue(n.core(newLeader).transferLeadership(1));
        n.settle();
        assertEquals(Role.LEADER, oldLeader.role());
        n.tickUntil("committed in the new term", () -> oldLeader.logTermAt(oldLeader.commitIndex()) == oldLeader.term(),
                ELECTION_TICKS, 1);
        assertTrue(oldLeader.readIndex(100));
        n.tick(2 * HEARTBEAT_TICKS, 1);

        assertEquals(List.of(100L), n.node(1).readStates.stream().map(ReadState::context).toList());
    }

    private static UnaryOperator<Message> heartbeatResponsesOnlyFrom(Set<Integer> from) {
        return m -> m instanceof HeartbeatResponse && !from.contains(m.from()) ? null : m;
    }
}
