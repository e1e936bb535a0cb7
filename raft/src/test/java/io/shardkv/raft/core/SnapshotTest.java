package io.shardkv.raft.core;

import io.shardkv.raft.core.tracker.Progress;
import static io.shardkv.raft.core.Cores.ELECTION_TICKS;
import static io.shardkv.raft.core.Cores.HEARTBEAT_TICKS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.Message.AppendResponse;
import io.shardkv.raft.core.Message.InstallSnapshot;
import io.shardkv.raft.core.Message.SnapshotAck;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Log compaction and InstallSnapshot (Raft §7, Figure 13), with the snapshot sent in chunks.
 */
class SnapshotTest {

    private static final int CHUNK = 16;
    private static final int LAGGARD = 3;

    /**
     * §7: a follower that needs entries the leader has compacted away is sent the snapshot — here
     * in several chunks — installs it (the Ready carries it for the state machine) and is then
     * brought up to date from the log.
     */
    @Test
    void followerBehindCompactedLogInstallsChunkedSnapshotThenCatchesUpFromLog() {
        Network n = groupWithCompactedLeader();
        RaftCore leader = n.core(1);

        catchUp(n);

        assertTrue(n.sent(InstallSnapshot.class, 1, LAGGARD).size() > 1, "sent in more than one chunk");
        assertInstalledLeaderSnapshot(n);
        assertEquals(List.of("after-0", "after-1", "after-2"), n.node(LAGGARD).appliedCommands(),
                "entries after the snapshot come from the log");
        assertEquals(leader.lastLogIndex(), n.core(LAGGARD).lastLogIndex());
        assertEquals(leader.lastLogIndex(), n.core(LAGGARD).appliedIndex());
    }

    static Stream<Arguments> lostSnapshotMessages() {
        Predicate<Message> secondChunk = m -> m instanceof InstallSnapshot is && is.offset() == CHUNK;
        Predicate<Message> lastChunk = m -> m instanceof InstallSnapshot is && is.done();
        Predicate<Message> firstChunkAck = m -> m instanceof SnapshotAck;
        Predicate<Message> installAck = m -> m instanceof AppendResponse ar && ar.from() == LAGGARD && !ar.rejected();
        return Stream.of(
                Arguments.of("second chunk", secondChunk),
                Arguments.of("last chunk", lastChunk),
                Arguments.of("first chunk acknowledgement", firstChunkAck),
                Arguments.of("acknowledgement of the installed snapshot", installAck));
    }

    /**
     * Any message of a snapshot transfer may be lost — a chunk (the follower takes chunks only in
     * order, so later ones are refused), a chunk acknowledgement, or the final acknowledgement of
     * the install: the transfer resumes and the follower catches up.
     */
    @ParameterizedTest(name = "lost: {0}")
    @MethodSource("lostSnapshotMessages")
    void lostSnapshotTransferMessageIsRecovered(String what, Predicate<Message> lost) {
        Network n = groupWithCompactedLeader();
        n.intercept(Network.dropFirst(lost));

        catchUp(n);

        assertInstalledLeaderSnapshot(n);
        assertTrue(n.sent.stream().filter(lost).count() >= 2, "a message like the lost " + what + " was sent again");
    }

    /**
     * §7: the leader may take a newer snapshot (and discard more log) while an older one is still on
     * its way to a follower. The follower must still catch up — with the newer snapshot if the log
     * after the older one is gone — once the network lets it.
     */
    @Test
    void followerCatchesUpWhenLeaderCompactsAgainDuringSnapshotTransfer() {
        Network n = groupWithCompactedLeader();
        RaftCore leader = n.core(1);
        n.intercept(m -> m instanceof InstallSnapshot is && is.done() ? null : m);
        n.tickUntil("transfer under way", () -> !n.sent(SnapshotAck.class, LAGGARD, 1).isEmpty(),
                ELECTION_TICKS, 1);
        assertEquals(Progress.State.SNAPSHOT, leader.progress(LAGGARD).state());

        for (int i = 0; i < 3; i++) {
            n.propose(1, "later-" + i);
        }
        n.compact(1, leader.appliedIndex(), Cores.bytes("newer image"));
        n.recover();

        catchUp(n);
        assertEquals(leader.lastLogIndex(), n.core(LAGGARD).lastLogIndex());
    }

    /**
     * Heartbeats also go out for every ReadIndex batch, so their answers can arrive far more often
     * than once per heartbeat interval. A stalled transfer is resent at most once per interval, not
     * once per answer: a busy reader once made a leader resend its snapshot window hundreds of
     * times a second until it ran out of memory.
     */
    @Test
    void readIndexHeartbeatsDoNotMultiplySnapshotResends() {
        Network n = groupWithCompactedLeader();
        RaftCore leader = n.core(1);
        n.intercept(m -> m instanceof InstallSnapshot ? null : m);
        n.tickUntil("transfer under way", () -> leader.progress(LAGGARD).state() == Progress.State.SNAPSHOT,
                ELECTION_TICKS, 1);
        int before = n.sent(InstallSnapshot.class, 1, LAGGARD).size();

        for (int read = 0; read < 50; read++) {
            assertTrue(leader.readIndex(read));
            n.settle();
        }

        int resent = n.sent(InstallSnapshot.class, 1, LAGGARD).size() - before;
        assertTrue(resent <= leader.config().maxInflightSnapshotChunks(),
                resent + " chunks resent for 50 reads within one heartbeat interval");
    }

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

        follower.step(new InstallSnapshot(2, 1, 1, meta, image.length, 0, image, true));

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
     * §7 / Figure 13: a node restarting from a snapshot and the log after it resumes with the
     * snapshot as applied state and re-delivers the committed entries that follow it.
     */
    @Test
    void restartFromSnapshotAndTailRedeliversCommittedEntriesAfterSnapshot() {
        Snapshot snapshot = new Snapshot(new SnapshotMeta(5, 1, Cores.voters(3)), SnapshotData.of(Cores.bytes("image@5")));
        DurableState durable = new DurableState(new HardState(2, 1, 8), snapshot, Cores.entries(6, 2, 2, 2, 2, 2));

        RaftCore node = Cores.core(1, 3, durable, Cores.DEFAULTS);

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

    /** The same through a running group: a compacted follower restarts from its own disk. */
    @Test
    void restartedFollowerResumesFromItsSnapshotAndLog() {
        Network n = Network.of(3, Cores.DEFAULTS);
        n.elect(1);
        for (int i = 0; i < 5; i++) {
            n.propose(1, "c" + i);
        }
        n.tick(HEARTBEAT_TICKS, 1);
        long commit = n.core(2).commitIndex();
        assertEquals(6, commit);
        n.compact(2, 4, Cores.bytes("image@4"));

        RaftCore restarted = n.restart(2);
        assertEquals(4, restarted.appliedIndex());
        assertEquals(commit, restarted.commitIndex());
        n.settle();

        assertArrayEquals(new long[] {5, 6}, n.node(2).applied.stream().mapToLong(Entry::index).toArray());
        assertEquals(List.of("c3", "c4"), n.node(2).appliedCommands(), "entries 5 and 6 applied again");
    }

    /** §7: only applied entries can be snapshotted, and compaction only moves forward. */
    @Test
    void compactRejectsUnappliedOrAlreadyCompactedIndex() {
        Network n = Network.of(1, Cores.DEFAULTS);
        n.elect(1);
        n.propose(1, "a");
        n.compact(1, 2, Cores.bytes("image@2"));

        IllegalArgumentException unapplied = assertThrows(IllegalArgumentException.class,
                () -> n.core(1).compact(3, SnapshotData.of(new byte[0])));
        assertTrue(unapplied.getMessage().contains("applied only up to 2"), unapplied.getMessage());
        IllegalArgumentException stale = assertThrows(IllegalArgumentException.class,
                () -> n.core(1).compact(2, SnapshotData.of(new byte[0])));
        assertTrue(stale.getMessage().contains("already compacted up to 2"), stale.getMessage());
    }

    /**
     * Node 3 is cut off while the leader commits ten entries and compacts its log over them with a
     * 100-byte snapshot; three more entries follow the snapshot.
     */
    private static Network groupWithCompactedLeader() {
        Network n = Network.of(3, b -> b.snapshotChunkBytes(CHUNK));
        RaftCore leader = n.elect(1);
        n.isolate(LAGGARD);
        for (int i = 0; i < 10; i++) {
            n.propose(1, "before-" + i);
        }
        byte[] image = new byte[100];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) i;
        }
        n.compact(1, leader.appliedIndex(), image);
        for (int i = 0; i < 3; i++) {
            n.propose(1, "after-" + i);
        }
        n.heal(LAGGARD);
        return n;
    }

    private static void catchUp(Network n) {
        RaftCore leader = n.core(1);
        RaftCore laggard = n.core(LAGGARD);
        n.tickUntil("node 3 catches up", () -> laggard.appliedIndex() == leader.lastLogIndex(), 10 * ELECTION_TICKS, 1);
    }

    private static void assertInstalledLeaderSnapshot(Network n) {
        Snapshot expected = n.core(1).snapshot();
        List<Snapshot> installed = n.node(LAGGARD).installedSnapshots;
        assertEquals(1, installed.size());
        assertEquals(expected.meta(), installed.get(0).meta());
        assertArrayEquals(SnapshotBytes.of(expected), SnapshotBytes.of(installed.get(0)));
        assertEquals(expected.index(), n.core(LAGGARD).snapshot().index());
        assertTrue(LongStream.rangeClosed(expected.index() + 1, n.core(1).lastLogIndex())
                .allMatch(i -> n.core(LAGGARD).logTermAt(i) == n.core(1).logTermAt(i)));
    }
}
