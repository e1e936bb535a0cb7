package io.shardkv.raft.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.Message.AppendResponse;
import io.shardkv.raft.core.Message.InstallSnapshot;
import org.junit.jupiter.api.Test;

/**
 * Log compaction and InstallSnapshot (Raft §7, Figure 13) at the level of one core. Transfers
 * between nodes (chunks, losses, compaction during a transfer, restarts) are interaction scripts
 * ({@code scripts/interaction/*snapshot*.txt}).
 */
class SnapshotTest {

    /**
     * Figure 13, InstallSnapshot receiver rule 6: "If existing log entry has same index and term as
     * snapshot's last included entry, retain log entries following it" — the follower keeps its
     * log, learns the entries up to the snapshot are committed, and has nothing to restore.
     */
    @Test
    void snapshotAlreadyCoveredByLogKeepsTheFollowingEntries() {
        RaftCore follower = Cores.core(1, 3, Cores.logCommittedTo(1, 1, 1, 1, 1, 1), Cores.DEFAULTS);
        byte[] image = Cores.bytes("image@2");
        SnapshotMeta meta = new SnapshotMeta(2, 1, Cores.voters(3));

        follower.step(Msg.snapshot(2, 1, 1, meta, image));

        assertEquals(4, follower.lastLogIndex(), "entries after the snapshot are retained");
        assertEquals(2, follower.commitIndex());
        Ready rd = follower.ready();
        assertNull(rd.snapshot(), "nothing to restore: the log already has it");
        AppendResponse ack = Cores.single(Cores.ofType(rd.messages(), AppendResponse.class));
        assertFalse(ack.rejected());
        assertEquals(2, ack.index());
        follower.advance(rd);
    }

    /**
     * A state machine that kept its own state durably reopens at an entry of the log: applying
     * goes on after it (the snapshot is not restored), and since that entry was applied it was
     * committed, so a commit index recovered lower is raised to it. Only before anything is applied.
     */
    @Test
    void restartResumesAtTheStateMachinesOwnDurableEntry() {
        RaftCore node = restartedAfterSnapshotAt5(6);

        assertTrue(node.resumeApplied(8, 2));

        assertEquals(8, node.appliedIndex());
        assertEquals(8, node.commitIndex());
        Ready rd = node.ready();
        assertTrue(rd.committedEntries().isEmpty(), "nothing up to 8 is delivered again: " + rd.committedEntries());
        assertEquals(8, rd.hardState().commit(), "the raised commit index is persisted");
        node.advance(rd);
        assertFalse(node.resumeApplied(7, 2), "applied already");
    }

    /**
     * The durable entry is refused where the log cannot vouch for it: before the snapshot (the
     * log was compacted past it), beyond the log (the disk lost the tail the entry was in), or
     * at another term (the entry there was never committed).
     */
    @Test
    void resumeIsRefusedUnlessTheLogHoldsThatEntry() {
        RaftCore node = restartedAfterSnapshotAt5(8);

        assertFalse(node.resumeApplied(4, 1), "compacted away");
        assertFalse(node.resumeApplied(11, 2), "beyond the log");
        assertFalse(node.resumeApplied(7, 3), "another term");
        assertEquals(5, node.appliedIndex(), "nothing changed");
        assertEquals(8, node.commitIndex());
        assertTrue(node.resumeApplied(5, 1), "the snapshot's own entry");
    }

    /** A node restarted from a snapshot at 5 (term 1) and entries 6..10 of term 2, commit recovered as {@code commit}. */
    private static RaftCore restartedAfterSnapshotAt5(long commit) {
        Snapshot snapshot = new Snapshot(new SnapshotMeta(5, 1, Cores.voters(3)), MemorySnapshots.of(Cores.bytes("image@5")));
        DurableState durable = new DurableState(new HardState(2, 1, commit), snapshot, Cores.entries(6, 2, 2, 2, 2, 2));
        return Cores.core(1, 3, durable, Cores.DEFAULTS);
    }

    /**
     * §7 / Figure 13: a node restarting from a snapshot and the log after it resumes with the
     * snapshot as applied state and re-delivers the committed entries that follow it.
     */
    @Test
    void restartFromSnapshotAndTailRedeliversCommittedEntriesAfterSnapshot() {
        RaftCore node = restartedAfterSnapshotAt5(8);

        assertEquals(5, node.appliedIndex());
        assertEquals(8, node.commitIndex());
        assertEquals(6, node.firstLogIndex());
        Ready rd = node.ready();
        assertNull(rd.snapshot(), "the state machine already holds the snapshot");
        assertNull(rd.hardState());
        assertTrue(rd.entries().isEmpty(), "everything is already durable");
        assertArrayEquals(new long[] {6, 7, 8}, rd.committedEntries().stream().mapToLong(Entry::index).toArray());
        node.advance(rd);
        assertEquals(8, node.appliedIndex());
    }

    /** §7: only applied entries can be snapshotted, and compaction only moves forward. */
    @Test
    void compactRejectsUnappliedOrAlreadyCompactedIndex() {
        Network n = Network.of(1, Cores.DEFAULTS);
        n.elect(1);
        n.propose(1, "a");
        n.compact(1, 2, Cores.bytes("image@2"));

        IllegalArgumentException unapplied = assertThrows(IllegalArgumentException.class,
                () -> n.core(1).compact(3, MemorySnapshots.of(new byte[0])));
        assertTrue(unapplied.getMessage().contains("applied only up to 2"), unapplied.getMessage());
        IllegalArgumentException stale = assertThrows(IllegalArgumentException.class,
                () -> n.core(1).compact(2, MemorySnapshots.of(new byte[0])));
        assertTrue(stale.getMessage().contains("already compacted up to 2"), stale.getMessage());
    }
}
