package io.shardkv.kv;

import static io.shardkv.kv.KvLab.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.Message;
import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.sim.LabHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The kvraft lab's special tests (§6.2 of the scenario catalogue) on the simulator, in virtual time. */
class KvSpecialScenariosTest {

    static LongStream seeds() {
        return LabHarness.seeds();
    }

    /** Runs {@code op} (which calls back when done) and waits for it. */
    private static void sync(KvLab lab, String what, Consumer<Runnable> op) {
        boolean[] done = {false};
        op.accept(() -> done[0] = true);
        lab.await(what, () -> done[0], 60 * SECOND);
    }

    private static String get(KvLab lab, SimKvClerk clerk, String key) {
        String[] value = new String[1];
        sync(lab, "get " + key, done -> clerk.get(key, v -> {
            value[0] = v;
            done.run();
        }));
        return value[0];
    }

    /**
     * TestSpeed4A/4B: 1000 sequential appends must take at most 1000 × 33.3 ms — an operation may
     * not wait for the next heartbeat to commit. Ours, in virtual time, with and without snapshots.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void thousandSequentialAppendsDoNotWaitForHeartbeats(long seed) {
        for (long maxRaftState : new long[] {-1, 1000}) {
            KvLab lab = KvLab.make(3, false, maxRaftState, seed);
            SimKvClerk clerk = lab.makeClerk();
            get(lab, clerk, "x");
            long start = lab.cluster.now();
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                String token = "x 0 " + i + " y";
                sync(lab, "append " + i, done -> clerk.append("x", token, done));
                expected.append(token);
            }
            long micros = lab.cluster.now() - start;
            assertTrue(micros <= 1000 * 33_333, "1000 appends took " + micros / 1000 + " ms of virtual time");
            assertEquals(expected.toString(), get(lab, clerk, "x"));
            lab.checkLinearizable();
        }
    }

    /**
     * TestUnreliableOneKey4A: 5 clients × 10 appends to one key on a lossy network, each token
     * exactly once and each client's in order. Like the lab, this checks the tokens rather than
     * the history: 50 overlapping appends observed by one final read leave a Wing–Gong search
     * nothing to prune on (every order is a distinct state), so it is exponential.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void concurrentAppendsToOneKeyOnALossyNetworkLandExactlyOnce(long seed) {
        KvLab lab = KvLab.make(3, true, -1, seed);
        SimKvClerk first = lab.makeClerk();
        sync(lab, "put k", done -> first.put("k", "", done));
        List<SimKvClerk> clerks = new ArrayList<>();
        int[] finished = {0};
        for (int c = 0; c < 5; c++) {
            SimKvClerk clerk = lab.makeClerk();
            clerks.add(clerk);
            appendChain(clerk, c, 0, () -> finished[0]++);
        }
        lab.await("all appends", () -> finished[0] == 5, 120 * SECOND);
        String value = get(lab, first, "k");
        for (int c = 0; c < 5; c++) {
            int last = -1;
            for (int j = 0; j < 10; j++) {
                String token = "x " + c + " " + j + " y";
                int at = value.indexOf(token);
                assertTrue(at >= 0 && value.indexOf(token, at + 1) < 0, token + " must appear once in " + value);
                assertTrue(at > last, token + " out of order");
                last = at;
            }
        }
    }

    private static void appendChain(SimKvClerk clerk, int c, int j, Runnable done) {
        if (j == 10) {
            done.run();
            return;
        }
        clerk.append("k", "x " + c + " " + j + " y", () -> appendChain(clerk, c, j + 1, done));
    }

    /**
     * TestOnePartition4A: progress in the majority; none in the minority (which holds the old
     * leader) for a second; after healing the minority's pending put completes, last.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void minorityMakesNoProgressAndCatchesUpAfterHealing(long seed) {
        KvLab lab = KvLab.make(5, false, -1, seed);
        SimKvClerk ck = lab.makeClerk();
        sync(lab, "put 13", done -> ck.put("1", "13", done));
        int leader = lab.leader();
        List<Integer> majority = new ArrayList<>();
        List<Integer> minority = new ArrayList<>(List.of(leader));
        for (int s : lab.allServers()) {
            if (s != leader) {
                (majority.size() < 3 ? majority : minority).add(s);
            }
        }
        lab.partition(majority, minority);
        SimKvClerk ckMajority = lab.makeClerk(majority);
        SimKvClerk ckMinority1 = lab.makeClerk(minority);
        SimKvClerk ckMinority2 = lab.makeClerk(minority);

        sync(lab, "majority put 14", done -> ckMajority.put("1", "14", done));
        assertEquals("14", get(lab, ckMajority, "1"));

        boolean[] putDone = {false};
        boolean[] getDone = {false};
        ckMinority1.put("1", "15", () -> putDone[0] = true);
        ckMinority2.get("1", v -> getDone[0] = true);
        lab.sleep(SECOND);
        assertFalse(putDone[0], "put in minority completed");
        assertFalse(getDone[0], "get in minority completed");
        assertEquals("14", get(lab, ckMajority, "1"));
        sync(lab, "majority put 16", done -> ckMajority.put("1", "16", done));
        assertEquals("16", get(lab, ckMajority, "1"));

        lab.heal();
        ckMinority1.talkTo(lab.allServers());
        ckMinority2.talkTo(lab.allServers());
        lab.sleep(SECOND);
        lab.await("the minority's put completes after healing", () -> putDone[0], 3 * SECOND);
        lab.await("the minority's get completes after healing", () -> getDone[0], 3 * SECOND);
        assertEquals("15", get(lab, ck, "1"));
        lab.checkLinearizable();
    }

    /**
     * TestSnapshotRPC4B: a majority keeps compacting while one server is cut off, which then
     * catches up through InstallSnapshot.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void laggingServerCatchesUpFromASnapshot(long seed) {
        long maxRaftState = 1000;
        KvLab lab = KvLab.make(3, false, maxRaftState, seed);
        SimKvClerk ck = lab.makeClerk();
        sync(lab, "put a", done -> ck.put("a", "A", done));

        lab.partition(List.of(1, 2), List.of(3));
        SimKvClerk ck1 = lab.makeClerk(List.of(1, 2));
        for (int i = 0; i < 50; i++) {
            String k = String.valueOf(i);
            sync(lab, "put " + i, done -> ck1.put(k, k, done));
        }
        lab.sleep(SECOND);
        sync(lab, "put b", done -> ck1.put("b", "B", done));
        assertTrue(lab.logSize() <= 8 * maxRaftState, "logs were not trimmed (" + lab.logSize() + ")");

        lab.partition(List.of(1, 3), List.of(2));
        SimKvClerk ck2 = lab.makeClerk(List.of(1, 3));
        sync(lab, "put c", done -> ck2.put("c", "C", done));
        sync(lab, "put d", done -> ck2.put("d", "D", done));
        assertEquals("A", get(lab, ck2, "a"));
        assertEquals("B", get(lab, ck2, "b"));
        assertEquals("1", get(lab, ck2, "1"));
        assertEquals("49", get(lab, ck2, "49"));

        lab.heal();
        sync(lab, "put e", done -> ck.put("e", "E", done));
        assertEquals("C", get(lab, ck, "c"));
        assertEquals("E", get(lab, ck, "e"));
        assertEquals("1", get(lab, ck, "1"));
        assertTrue(lab.cluster.network().sent(Message.InstallSnapshot.class) > 0,
                "the lagging server must have been sent a snapshot");
        lab.checkLinearizable();
    }

    /**
     * TestSnapshotSize4B: 800 operations on one key keep the log under 8 × the threshold and the
     * snapshot small — live state plus a compact session table, no history.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void snapshotHoldsOnlyLiveStateAndACompactSessionTable(long seed) {
        long maxRaftState = 1000;
        KvLab lab = KvLab.make(3, false, maxRaftState, seed);
        SimKvClerk ck = lab.makeClerk();
        for (int i = 0; i < 200; i++) {
            sync(lab, "put x=0", done -> ck.put("x", "0", done));
            assertEquals("0", get(lab, ck, "x"));
            sync(lab, "put x=1", done -> ck.put("x", "1", done));
            assertEquals("1", get(lab, ck, "x"));
        }
        assertTrue(lab.logSize() <= 8 * maxRaftState, "logs were not trimmed (" + lab.logSize() + ")");
        assertTrue(lab.snapshotSize() <= 500, "snapshot too large (" + lab.snapshotSize() + " bytes)");
        assertTrue(lab.snapshotSize() > 0, "no snapshot was taken");
    }

    /** Reads are served by ReadIndex: 10,000 of them add nothing to the log. */
    @ParameterizedTest
    @MethodSource("seeds")
    void readsNeverEnterTheLog(long seed) {
        KvLab lab = KvLab.make(3, false, -1, seed);
        SimKvClerk ck = lab.makeClerk();
        sync(lab, "put", done -> ck.put("k", "v", done));
        int leader = lab.leader();
        RaftCore core = lab.cluster.node(leader).core();
        long lastIndex = core.lastLogIndex();
        long term = core.term();
        for (int i = 0; i < 10_000; i++) {
            assertEquals("v", get(lab, ck, "k"));
        }
        assertEquals(term, lab.cluster.node(leader).core().term(), "leadership changed; the count would mean nothing");
        assertEquals(lastIndex, lab.cluster.node(leader).core().lastLogIndex(), "reads added log entries");
        assertNull(get(lab, ck, "absent"));
    }
}
