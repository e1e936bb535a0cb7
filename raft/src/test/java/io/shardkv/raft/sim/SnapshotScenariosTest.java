package io.shardkv.raft.sim;

import static io.shardkv.raft.sim.LabHarness.cmd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.Message;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Raft §7 log compaction: the lab's part 3D scenarios, in virtual time. Every node snapshots each
 * 10 applied entries; snapshots are ~1 KB and travel in 256-byte chunks, so every install is
 * chunked. Persisted Raft state (log + hard state, without the snapshot) must stay under the lab's
 * 2000 bytes.
 */
class SnapshotScenariosTest {

    private static final long MAX_LOG_BYTES = 2000;

    static LongStream seeds() {
        return LabHarness.seeds();
    }

    /** TestSnapshotBasic3D. */
    @ParameterizedTest
    @MethodSource("seeds")
    void snapshotsKeepTheLogSmall(long seed) {
        snapcommon(seed, false, true, false);
    }

    /** TestSnapshotInstall3D. */
    @ParameterizedTest
    @MethodSource("seeds")
    void disconnectedFollowerCatchesUpThroughInstallSnapshot(long seed) {
        snapcommon(seed, true, true, false);
    }

    /** TestSnapshotInstallUnreliable3D. */
    @ParameterizedTest
    @MethodSource("seeds")
    void installSnapshotOnUnreliableNetwork(long seed) {
        snapcommon(seed, true, false, false);
    }

    /** TestSnapshotInstallCrash3D. */
    @ParameterizedTest
    @MethodSource("seeds")
    void crashedFollowerRestartsFromSnapshotAndCatchesUp(long seed) {
        snapcommon(seed, false, true, true);
    }

    /** TestSnapshotInstallUnCrash3D. */
    @ParameterizedTest
    @MethodSource("seeds")
    void crashedFollowerCatchesUpOnUnreliableNetwork(long seed) {
        snapcommon(seed, false, false, true);
    }

    private static void snapcommon(long seed, boolean disconnect, boolean reliable, boolean crash) {
        LabHarness h = LabHarness.make(3, reliable, true, seed);
        Random r = h.cluster().random();
        h.one(cmd(r.nextLong()), 3, true);
        int leader1 = h.checkOneLeader();
        for (int i = 0; i < 30; i++) {
            int victim = leader1 % 3 + 1;
            int sender = leader1;
            if (i % 3 == 1) {
                sender = leader1 % 3 + 1;
                victim = leader1;
            }
            if (disconnect) {
                h.disconnect(victim);
                h.one(cmd(r.nextLong()), 2, true);
            }
            if (crash) {
                h.crash(victim);
                h.one(cmd(r.nextLong()), 2, true);
            }
            int n = 5 + r.nextInt(10);
            for (int j = 0; j < n; j++) {
                h.propose(sender, cmd(r.nextLong()));
            }
            if (!disconnect && !crash) {
                h.one(cmd(r.nextLong()), 3, true);
            } else {
                h.one(cmd(r.nextLong()), 2, true);
            }
            assertTrue(h.logSize() < MAX_LOG_BYTES, "log size too large: " + h.logSize());
            if (disconnect) {
                h.connect(victim);
                h.one(cmd(r.nextLong()), 3, true);
                leader1 = h.checkOneLeader();
            }
            if (crash) {
                h.start(victim);
                h.connect(victim);
                h.one(cmd(r.nextLong()), 3, true);
                leader1 = h.checkOneLeader();
            }
        }
        long chunks = h.cluster().network().sent(Message.InstallSnapshot.class);
        if (disconnect || crash) {
            // ~1 KB snapshots in 256-byte chunks: every transfer takes several.
            assertTrue(chunks >= 4, "a lagging follower must be caught up by InstallSnapshot, saw " + chunks + " chunks");
        } else {
            assertEquals(0, chunks, "followers that keep up must never need a snapshot");
        }
    }

    /** TestSnapshotAllCrash3D: restarting everyone resumes from snapshot + log tail, never from index 0. */
    @ParameterizedTest
    @MethodSource("seeds")
    void wholeClusterRestartResumesFromSnapshotAndTail(long seed) {
        LabHarness h = LabHarness.make(3, true, true, seed);
        Random r = h.cluster().random();
        h.one(cmd(r.nextLong()), 3, true);
        for (int i = 0; i < 5; i++) {
            int n = 5 + r.nextInt(10);
            for (int j = 0; j < n; j++) {
                h.one(cmd(r.nextLong()), 3, true);
            }
            long index1 = h.one(cmd(r.nextLong()), 3, true);
            for (int k = 1; k <= 3; k++) {
                h.crash(k);
            }
            for (int k = 1; k <= 3; k++) {
                h.start(k);
                h.connect(k);
            }
            long index2 = h.one(cmd(r.nextLong()), 3, true);
            assertTrue(index2 >= index1 + 1, "index decreased from " + index1 + " to " + index2);
        }
    }

    /** TestSnapshotInit3D: a restarted node keeps its loaded snapshot through further restarts. */
    @ParameterizedTest
    @MethodSource("seeds")
    void loadedSnapshotSurvivesSuccessiveRestarts(long seed) {
        LabHarness h = LabHarness.make(3, true, true, seed);
        Random r = h.cluster().random();
        h.one(cmd(r.nextLong()), 3, true);
        for (int i = 0; i < 11; i++) {
            h.one(cmd(r.nextLong()), 3, true);
        }
        restartAll(h);
        h.one(cmd(r.nextLong()), 3, true);
        restartAll(h);
        h.one(cmd(r.nextLong()), 3, true);
    }

    private static void restartAll(LabHarness h) {
        for (int k = 1; k <= 3; k++) {
            h.crash(k);
        }
        for (int k = 1; k <= 3; k++) {
            h.start(k);
            h.connect(k);
        }
    }
}
