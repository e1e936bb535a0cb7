package io.shardkv.raft.sim;

import static io.shardkv.raft.sim.LabHarness.ELECTION_TIMEOUT;
import static io.shardkv.raft.sim.LabHarness.cmd;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Figure 2 persistent state and the Figure 8 commit rule under crashes, churn and unreliable
 * networks: the lab's part 3C scenarios, in virtual time. A crash loses whatever the node had not
 * made durable (and may tear a write in progress).
 */
class PersistenceScenariosTest {

    static LongStream seeds() {
        return LabHarness.seeds();
    }

    private static void restartAndConnect(LabHarness h, int i) {
        h.start(i);
        h.connect(i);
    }

    /** TestPersist13C. */
    @ParameterizedTest
    @MethodSource("seeds")
    void termVoteAndLogSurviveRestarts(long seed) {
        LabHarness h = LabHarness.make(3, true, false, seed);
        h.one(cmd(11), 3, true);
        for (int i = 1; i <= 3; i++) {
            h.start(i);
        }
        for (int i = 1; i <= 3; i++) {
            h.disconnect(i);
            h.connect(i);
        }
        h.one(cmd(12), 3, true);
        int leader1 = h.checkOneLeader();
        h.disconnect(leader1);
        restartAndConnect(h, leader1);
        h.one(cmd(13), 3, true);
        int leader2 = h.checkOneLeader();
        h.disconnect(leader2);
        long index14 = h.one(cmd(14), 2, true);
        restartAndConnect(h, leader2);
        h.waitFor(index14, 3, -1);
        int i3 = h.checkOneLeader() % 3 + 1;
        h.disconnect(i3);
        h.one(cmd(15), 2, true);
        restartAndConnect(h, i3);
        h.one(cmd(16), 3, true);
    }

    /** TestPersist23C: 5 nodes, repeated partial crashes and restarts. */
    @ParameterizedTest
    @MethodSource("seeds")
    void logSurvivesRepeatedPartialRestarts(long seed) {
        LabHarness h = LabHarness.make(5, true, false, seed);
        int index = 1;
        for (int iter = 0; iter < 5; iter++) {
            h.one(cmd(10 + index++), 5, true);
            int leader1 = h.checkOneLeader();
            h.disconnect(node(leader1, 1));
            h.disconnect(node(leader1, 2));
            h.one(cmd(10 + index++), 3, true);
            h.disconnect(node(leader1, 0));
            h.disconnect(node(leader1, 3));
            h.disconnect(node(leader1, 4));
            restartAndConnect(h, node(leader1, 1));
            restartAndConnect(h, node(leader1, 2));
            h.sleep(ELECTION_TIMEOUT);
            restartAndConnect(h, node(leader1, 3));
            h.one(cmd(10 + index++), 3, true);
            h.connect(node(leader1, 4));
            h.connect(node(leader1, 0));
        }
        h.one(cmd(1000), 5, true);
    }

    /** The lab's (leader + k) % n, with our 1-based ids. */
    private static int node(int leader, int k) {
        return (leader - 1 + k) % 5 + 1;
    }

    /** TestPersist33C: a crashed leader's durable log carries an entry forward. */
    @ParameterizedTest
    @MethodSource("seeds")
    void crashedLeadersDurableLogCarriesEntryForward(long seed) {
        LabHarness h = LabHarness.make(3, true, false, seed);
        h.one(cmd(101), 3, true);
        int leader = h.checkOneLeader();
        int second = leader % 3 + 1;
        int third = (leader + 1) % 3 + 1;
        h.disconnect(third);
        h.one(cmd(102), 2, true);
        h.crash(leader);
        h.crash(second);
        h.connect(third);
        h.start(leader);
        h.connect(leader);
        h.one(cmd(103), 2, true);
        h.start(second);
        h.connect(second);
        h.one(cmd(104), 3, true);
    }

    /**
     * TestFigure83C: 1000 rounds of proposals at every live node, random sleeps, and the leader
     * crashing; then everything restarts and one entry must reach all five within 10 s.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void figure8CrashingLeadersNeverCommitOldTermEntriesByCounting(long seed) {
        figure8(LabHarness.make(5, true, false, seed), true);
    }

    /** TestFigure8Unreliable3C: leaders disconnected (not crashed), lossy network, long reordering from round 200. */
    @ParameterizedTest
    @MethodSource("seeds")
    void figure8UnreliableWithLongReordering(long seed) {
        figure8(LabHarness.make(5, false, false, seed), false);
    }

    private static void figure8(LabHarness h, boolean crash) {
        Random r = h.cluster().random();
        h.one(cmd(r.nextInt(10_000)), 1, true);
        int nup = 5;
        for (int iter = 0; iter < 1000; iter++) {
            if (!crash && iter == 200) {
                h.cluster().network().setFaults(NetworkFaults.UNRELIABLE_REORDERING);
            }
            int leader = -1;
            for (int i = 1; i <= 5; i++) {
                if (h.connected(i) && h.propose(i, cmd(r.nextInt(10_000))) != null) {
                    leader = i;
                }
            }
            h.sleep(r.nextInt(1000) < 100 ? r.nextInt(500_000) : r.nextInt(13_000));
            if (leader != -1 && (crash || r.nextInt(1000) < 500)) {
                if (crash) {
                    h.crash(leader);
                }
                h.disconnect(leader);
                nup--;
            }
            if (nup < 3) {
                int s = 1 + r.nextInt(5);
                if (!h.connected(s)) {
                    if (crash) {
                        h.start(s);
                    }
                    h.connect(s);
                    nup++;
                }
            }
        }
        for (int i = 1; i <= 5; i++) {
            if (!h.connected(i)) {
                if (crash) {
                    h.start(i);
                }
                h.connect(i);
            }
        }
        h.one(cmd(r.nextInt(10_000)), 5, true);
    }

    /** TestUnreliableAgree3C: 49 rounds of 4 concurrent and 1 sequential agreement on a lossy network. */
    @ParameterizedTest
    @MethodSource("seeds")
    void agreementOnUnreliableNetwork(long seed) {
        LabHarness h = LabHarness.make(5, false, false, seed);
        for (int iters = 1; iters < 50; iters++) {
            List<byte[]> concurrent = new ArrayList<>();
            for (int j = 0; j < 4; j++) {
                concurrent.add(cmd(100L * iters + j));
            }
            concurrent.add(cmd(iters));
            h.oneConcurrently(concurrent, 1);
        }
        h.cluster().network().setFaults(NetworkFaults.RELIABLE);
        h.one(cmd(100), 5, true);
    }

    /** TestReliableChurn3C. */
    @ParameterizedTest
    @MethodSource("seeds")
    void committedValuesSurviveChurn(long seed) {
        churn(LabHarness.make(5, true, false, seed));
    }

    /** TestUnreliableChurn3C. */
    @ParameterizedTest
    @MethodSource("seeds")
    void committedValuesSurviveChurnOnUnreliableNetwork(long seed) {
        churn(LabHarness.make(5, false, false, seed));
    }

    /**
     * Three clients keep proposing at every node while nodes are disconnected, crashed and
     * restarted; every value a client saw committed must be in the final log.
     */
    private static void churn(LabHarness h) {
        Random r = h.cluster().random();
        ChurnClients clients = new ChurnClients(h, 3);
        clients.start();
        for (int iter = 0; iter < 20; iter++) {
            if (r.nextInt(1000) < 200) {
                h.disconnect(1 + r.nextInt(5));
            }
            if (r.nextInt(1000) < 500) {
                int i = 1 + r.nextInt(5);
                if (!h.cluster().node(i).isUp()) {
                    h.start(i);
                }
                h.connect(i);
            }
            if (r.nextInt(1000) < 200) {
                int i = 1 + r.nextInt(5);
                if (h.cluster().node(i).isUp()) {
                    h.crash(i);
                }
            }
            h.sleep(ELECTION_TIMEOUT * 7 / 10);
        }
        h.sleep(ELECTION_TIMEOUT);
        h.cluster().network().setFaults(NetworkFaults.RELIABLE);
        for (int i = 1; i <= 5; i++) {
            if (!h.cluster().node(i).isUp()) {
                h.start(i);
            }
            h.connect(i);
        }
        clients.stop();
        h.sleep(ELECTION_TIMEOUT);
        long last = h.one(cmd(r.nextLong()), 5, true);
        h.waitFor(last, 5, -1);
        assertTrue(clients.seenCommitted() > 0, "the clients saw nothing committed");
        clients.checkAllInFinalLog(last);
    }
}
