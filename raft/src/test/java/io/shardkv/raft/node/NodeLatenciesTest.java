package io.shardkv.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NodeLatenciesTest {

    @Test
    void timesOnlyProposalsThatCommitWhereTheyWereAppended() {
        NodeLatencies l = new NodeLatencies();
        l.proposed(5, 2);
        l.proposed(6, 2);
        l.proposed(7, 2);
        l.committed(5, 2);
        assertEquals(1, l.commit().snapshot().count());
        // A new leader overwrote 6 and 7 in term 3: what commits there is not ours.
        l.committed(7, 3);
        assertEquals(1, l.commit().snapshot().count());
        l.proposed(8, 3);
        l.leadershipLost();
        l.committed(8, 3);
        assertEquals(1, l.commit().snapshot().count(), "untimed once leadership was lost");
    }

    @Test
    void timesASnapshotTransferFromItsFirstChunkToItsLast() {
        NodeLatencies l = new NodeLatencies();
        l.snapshotChunkSent(2, 0, false);
        l.snapshotChunkSent(3, 0, true);
        l.snapshotChunkSent(2, 1 << 20, false);
        assertEquals(1, l.snapshotSend().snapshot().count(), "a one-chunk snapshot is a whole transfer");
        l.snapshotChunkSent(2, 2 << 20, true);
        assertEquals(2, l.snapshotSend().snapshot().count());
        l.snapshotChunkSent(4, 1 << 20, true);
        assertEquals(2, l.snapshotSend().snapshot().count(), "a transfer whose start was not seen is not timed");
    }
}
