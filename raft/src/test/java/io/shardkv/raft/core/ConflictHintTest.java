package io.shardkv.raft.core;

import static io.shardkv.raft.core.Cores.PAPER;
import static io.shardkv.raft.core.Cores.concat;
import static io.shardkv.raft.core.Cores.repeat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.Message.AppendResponse;
import org.junit.jupiter.api.Test;

/**
 * The optimisation at the end of Raft §5.3: "when rejecting an AppendEntries request, the follower
 * can include the term of the conflicting entry and the first index it stores for that term", so
 * the leader skips a whole term per round trip instead of one entry. Here the follower hints at its
 * last entry that could still match (as etcd does), and repairs must cost round trips in
 * proportion to the distinct terms involved, not to the entries.
 */
class ConflictHintTest {

    private static final long[] COMMON = repeat(1, 5);

    /**
     * Leader and follower agree on entries 1..5 and then diverge for 1000 entries each: the
     * leader's suffix spans terms 2, 4, 6, 8, the follower's terms 3, 5, 7 (entries of leaders that
     * never committed them). Each rejection must skip at least one whole term.
     */
    @Test
    void divergentFollowerIsRepairedInRoundTripsPerTermNotPerEntry() {
        long[] leaderLog = concat(COMMON, repeat(2, 250), repeat(4, 250), repeat(6, 250), repeat(8, 250));
        long[] followerLog = concat(COMMON, repeat(3, 333), repeat(5, 333), repeat(7, 334));
        int divergentTerms = 4 + 3;

        Network n = Network.withState(PAPER, Cores.log(8, leaderLog), Cores.log(7, followerLog), Cores.log(8, COMMON));
        RaftCore leader = n.elect(1);

        assertRepaired(n, 2, leader);
        long rejections = rejectionsFrom(n, 2);
        assertTrue(rejections <= divergentTerms + 2,
                rejections + " rejected appends to repair " + divergentTerms + " divergent terms");
    }

    /** A follower that merely lags, by 1000 entries, is told where its log ends and caught up at once. */
    @Test
    void laggingFollowerIsCaughtUpAfterOneRejection() {
        long[] leaderLog = concat(COMMON, repeat(2, 500), repeat(3, 500));

        Network n = Network.withState(PAPER, Cores.log(3, leaderLog), Cores.log(3, leaderLog), Cores.log(3, COMMON));
        RaftCore leader = n.elect(1);

        assertRepaired(n, 3, leader);
        assertTrue(rejectionsFrom(n, 3) <= 2, rejectionsFrom(n, 3) + " rejected appends to catch up a lagging log");
    }

    private static void assertRepaired(Network n, int id, RaftCore leader) {
        RaftCore follower = n.core(id);
        assertEquals(leader.lastLogIndex(), follower.lastLogIndex());
        for (long i = 1; i <= leader.lastLogIndex(); i++) {
            assertEquals(leader.logTermAt(i), follower.logTermAt(i), "term of entry " + i + " on node " + id);
        }
        assertEquals(leader.lastLogIndex(), leader.commitIndex(), "the new leader's no-op is committed");
        assertEquals(leader.lastLogIndex(), leader.progress(id).match());
    }

    private static long rejectionsFrom(Network n, int id) {
        return n.sent(AppendResponse.class, id, 1).stream().filter(AppendResponse::rejected).count();
    }
}
