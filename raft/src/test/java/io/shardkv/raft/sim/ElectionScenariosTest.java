package io.shardkv.raft.sim;

import static io.shardkv.raft.sim.LabHarness.ELECTION_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Raft §5.2 leader election: the lab's part 3A scenarios, in virtual time. */
class ElectionScenariosTest {

    static LongStream seeds() {
        return LabHarness.seeds();
    }

    /** TestInitialElection3A — stricter: the lab only warns if an idle term changes; we fail. */
    @ParameterizedTest
    @MethodSource("seeds")
    void electsOneLeaderAndKeepsItsTermWhileNothingFails(long seed) {
        LabHarness h = LabHarness.make(3, true, false, seed);
        h.checkOneLeader();
        h.sleep(50_000);
        long term1 = h.checkTerms();
        assertTrue(term1 >= 1, "term is " + term1 + ", but should be at least 1");
        h.sleep(2 * ELECTION_TIMEOUT);
        assertEquals(term1, h.checkTerms(), "term changed even though there were no failures");
        h.checkOneLeader();
    }

    /** TestReElection3A. */
    @ParameterizedTest
    @MethodSource("seeds")
    void electsNewLeaderAfterLeaderLossAndNoneWithoutQuorum(long seed) {
        LabHarness h = LabHarness.make(3, true, false, seed);
        int leader1 = h.checkOneLeader();
        h.disconnect(leader1);
        h.checkOneLeader();
        h.connect(leader1);
        int leader2 = h.checkOneLeader();
        int other = leader2 % 3 + 1;
        h.disconnect(leader2);
        h.disconnect(other);
        h.sleep(2 * ELECTION_TIMEOUT);
        h.checkNoLeader();
        h.connect(other);
        h.checkOneLeader();
        h.connect(leader2);
        h.checkOneLeader();
    }

    /** TestManyElections3A: 7 nodes, 9 rounds of up to 3 random disconnections. */
    @ParameterizedTest
    @MethodSource("seeds")
    void electsLeaderThroughManyRandomDisconnections(long seed) {
        LabHarness h = LabHarness.make(7, true, false, seed);
        h.checkOneLeader();
        for (int round = 0; round < 9; round++) {
            int[] victims = new int[3];
            for (int k = 0; k < 3; k++) {
                victims[k] = 1 + h.cluster().random().nextInt(7);
                h.disconnect(victims[k]);
            }
            h.checkOneLeader();
            for (int v : victims) {
                h.connect(v);
            }
        }
        h.checkOneLeader();
    }
}
