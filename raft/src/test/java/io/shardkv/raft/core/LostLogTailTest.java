package io.shardkv.raft.core;

import static io.shardkv.raft.core.Cores.PAPER;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A replica whose disk lost the tail of its log — entries it had made durable and acknowledged,
 * as when a disk drops synced writes or an operator restores an older copy — recovers and
 * rejoins instead of stopping: its recorded commit index is cut back to its log, a leader's
 * commit index beyond its log is taken only as far as the log goes, and the leader, seeing a
 * rejection below what the replica had acknowledged, resends from where the replica's log ends.
 * (Raft cannot make such a loss safe in general: while that replica is behind, the entries it lost
 * live on fewer replicas than Raft assumes.)
 */
class LostLogTailTest {

    @Test
    void aFollowerThatLostAcknowledgedEntriesIsCaughtUpAgain() {
        Network n = lostTail();
        RaftCore leader = n.core(1);
        n.propose(1, "after");
        assertCaughtUp(leader, n.core(3));
    }

    /** With nothing new to replicate, heartbeats alone reveal the loss. */
    @Test
    void anIdleLeaderCatchesUpAFollowerThatLostAcknowledgedEntries() {
        Network n = lostTail();
        n.tick(Cores.HEARTBEAT_TICKS * 3);
        n.settle();
        assertCaughtUp(n.core(1), n.core(3));
    }

    /** Node 1 leads; node 3 restarted after its disk lost its last 4 entries and kept a commit index beyond them. */
    private static Network lostTail() {
        Network n = Network.of(3, PAPER);
        RaftCore leader = n.elect(1);
        for (int i = 0; i < 10; i++) {
            n.propose(1, "before-" + i);
        }
        n.tick(Cores.HEARTBEAT_TICKS * 2);
        n.settle();
        long last = leader.lastLogIndex();
        assertEquals(last, n.core(3).lastLogIndex());
        assertEquals(last, n.core(3).commitIndex());

        Network.Storage disk = n.node(3).storage;
        disk.hardState = new HardState(disk.hardState.term(), disk.hardState.vote(), last);
        List<Entry> kept = disk.entries.subList(0, disk.entries.size() - 4);
        disk.entries.retainAll(List.copyOf(kept));
        RaftCore restarted = n.restart(3);
        assertEquals(last - 4, restarted.lastLogIndex());
        assertEquals(last - 4, restarted.commitIndex(), "the recorded commit index is cut back to the log");

        return n;
    }

    private static void assertCaughtUp(RaftCore leader, RaftCore follower) {
        assertEquals(leader.lastLogIndex(), follower.lastLogIndex());
        for (long i = 1; i <= leader.lastLogIndex(); i++) {
            assertEquals(leader.logTermAt(i), follower.logTermAt(i), "term of entry " + i);
        }
        assertEquals(leader.commitIndex(), follower.commitIndex());
        assertEquals(leader.lastLogIndex(), leader.progress(follower.id()).match());
    }
}
