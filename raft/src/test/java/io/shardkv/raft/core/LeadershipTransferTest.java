package io.shardkv.raft.core;

import static io.shardkv.raft.core.Cores.ELECTION_TICKS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.Message.AppendResponse;
import io.shardkv.raft.core.Message.TimeoutNow;
import org.junit.jupiter.api.Test;

/**
 * Leadership transfer (dissertation §3.10): the leader stops accepting proposals, brings the target's
 * log up to date, then tells it to time out at once; the target wins the next term because its
 * log is complete. A transfer that does not finish within an election timeout is abandoned.
 */
class LeadershipTransferTest {

    private static final int TARGET = 3;

    /** §3.10 steps 1–3: the target is caught up first, then gets TimeoutNow and wins term + 1. */
    @Test
    void laggingTargetIsCaughtUpThenTimesOutAndWinsNextTerm() {
        Network n = Network.of(3, Cores.DEFAULTS);
        RaftCore leader = n.elect(1);
        long term = leader.term();
        n.isolate(TARGET);
        for (int i = 0; i < 3; i++) {
            n.propose(1, "x" + i);
        }
        n.heal(TARGET);
        long last = leader.lastLogIndex();
        assertTrue(n.core(TARGET).lastLogIndex() < last);

        assertTrue(leader.transferLeadership(TARGET));
        n.settle();

        RaftCore target = n.core(TARGET);
        assertEquals(Role.LEADER, target.role());
        assertEquals(term + 1, target.term());
        assertEquals(TARGET, n.agreedLeader());
        assertEquals(1, n.sent(TimeoutNow.class, 1, TARGET).size());
        assertTrue(targetHeldWholeLogBeforeTimeoutNow(n, last), "TimeoutNow only once the target's log is complete");
        for (long i = 1; i <= last; i++) {
            assertEquals(leader.logTermAt(i), target.logTermAt(i), "entry " + i);
        }
    }

    /** §3.10 with §7: a target too far behind is first sent a snapshot, then handed leadership. */
    @Test
    void targetBehindCompactedLogGetsSnapshotThenLeadership() {
        Network n = Network.of(3, b -> b.snapshotChunkBytes(8));
        RaftCore leader = n.elect(1);
        long term = leader.term();
        n.isolate(TARGET);
        for (int i = 0; i < 5; i++) {
            n.propose(1, "x" + i);
        }
        n.compact(1, leader.appliedIndex(), Cores.bytes("image of five commands"));
        n.heal(TARGET);

        assertTrue(leader.transferLeadership(TARGET));
        n.tickUntil("target leads", () -> n.agreedLeader() == TARGET, ELECTION_TICKS - 1, 1, 2);

        assertEquals(term + 1, n.core(TARGET).term());
        assertEquals(1, n.node(TARGET).installedSnapshots.size());
    }

    /** §3.10 step 1: during a transfer the leader refuses proposals, so the target can catch up. */
    @Test
    void proposalsAreRefusedDuringTransfer() {
        Network n = Network.of(3, Cores.DEFAULTS);
        RaftCore leader = n.elect(1);
        n.isolate(TARGET);

        assertTrue(leader.transferLeadership(TARGET));

        assertEquals(RaftCore.REJECTED, leader.propose(Cores.bytes("refused")));
        assertEquals(Role.LEADER, leader.role());
    }

    /**
     * §3.10: "if the transfer does not complete within about an election timeout, the prior leader
     * aborts the transfer and resumes accepting client requests".
     */
    @Test
    void transferToUnreachableTargetIsAbortedAfterElectionTimeout() {
        Network n = Network.of(3, Cores.DEFAULTS);
        RaftCore leader = n.elect(1);
        long term = leader.term();
        n.isolate(TARGET);
        assertTrue(leader.transferLeadership(TARGET));

        n.tick(ELECTION_TICKS / 2, 1, 2);
        assertEquals(RaftCore.REJECTED, leader.propose(Cores.bytes("still transferring")));

        n.tick(ELECTION_TICKS - ELECTION_TICKS / 2, 1, 2);
        long index = n.propose(1, "accepted again");
        assertNotEquals(RaftCore.REJECTED, index);
        assertEquals(index, leader.commitIndex(), "committed with node 2");
        assertEquals(Role.LEADER, leader.role());
        assertEquals(term, leader.term());
    }

    /**
     * Asking again for the same target does not restart the clock: the transfer is still abandoned
     * one election timeout after it began (etcd's TestLeaderTransferSecondTransferToSameNode).
     */
    @Test
    void repeatedTransferToSameTargetDoesNotExtendTheTimeout() {
        Network n = Network.of(3, Cores.DEFAULTS);
        RaftCore leader = n.elect(1);
        n.isolate(TARGET);
        assertTrue(leader.transferLeadership(TARGET));

        n.tick(Cores.HEARTBEAT_TICKS, 1, 2);
        assertTrue(leader.transferLeadership(TARGET));
        n.tick(ELECTION_TICKS - Cores.HEARTBEAT_TICKS, 1, 2);

        assertNotEquals(RaftCore.REJECTED, leader.propose(Cores.bytes("accepted again")));
    }

    /**
     * The leader may take the leadership "back" while a transfer is pending: that cancels the
     * transfer, and proposals are accepted again at once (etcd's TestLeaderTransferBack).
     */
    @Test
    void transferBackToSelfCancelsPendingTransfer() {
        Network n = Network.of(3, Cores.DEFAULTS);
        RaftCore leader = n.elect(1);
        n.isolate(TARGET);
        assertTrue(leader.transferLeadership(TARGET));
        assertEquals(RaftCore.REJECTED, leader.propose(Cores.bytes("refused")));

        assertTrue(leader.transferLeadership(1));

        assertEquals(Role.LEADER, leader.role());
        assertNotEquals(RaftCore.REJECTED, leader.propose(Cores.bytes("accepted")),
                "transferring to itself must cancel the pending transfer");
    }

    @Test
    void transferIsRefusedByNonLeaderAndRequiresAVoter() {
        Network n = Network.of(3, Cores.DEFAULTS);
        RaftCore leader = n.elect(1);

        assertFalse(n.core(2).transferLeadership(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> leader.transferLeadership(7));
        assertTrue(e.getMessage().contains("7 is not a voter"), e.getMessage());
    }

    /** Whether an AppendResponse from the target acknowledging {@code last} precedes the TimeoutNow. */
    private static boolean targetHeldWholeLogBeforeTimeoutNow(Network n, long last) {
        for (Message m : n.sent) {
            if (m instanceof AppendResponse ar && ar.from() == TARGET && !ar.rejected() && ar.index() >= last) {
                return true;
            }
            if (m instanceof TimeoutNow) {
                return false;
            }
        }
        return false;
    }
}
