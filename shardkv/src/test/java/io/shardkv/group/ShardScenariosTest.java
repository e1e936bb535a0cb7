package io.shardkv.group;

import static io.shardkv.group.ShardLab.MILLIS;
import static io.shardkv.group.ShardLab.SECOND;
import static io.shardkv.group.ShardLab.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.ctrler.SimCtrlerClerk;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.raft.sim.SimCluster;
import io.shardkv.rpc.ctrler.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sharded KV scenario of the labs ({@code lab-scenarios.md} §10, 6.5840 {@code shardkv}
 * 5A/5B and the challenges) on the simulator, each over several seeds ({@code -Dsim.shardSeeds};
 * {@code -Dsim.seed=N} replays one).
 * Names follow the lab's; limits are the lab's or stricter. Times are virtual.
 */
class ShardScenariosTest {

    static LongStream seeds() {
        Long only = Long.getLong("sim.seed");
        return only != null ? LongStream.of(only) : LongStream.rangeClosed(1, Long.getLong("sim.shardSeeds", 3));
    }

    private static String randomString(Random random, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    /** Puts {@code n} keys with random values of {@code length}; returns the values. */
    private static String[] putKeys(ShardLab lab, SimShardClerk ck, int n, int length, Random random) {
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            values[i] = randomString(random, length);
            lab.put(ck, key(i), values[i]);
        }
        return values;
    }

    private static void checkAll(ShardLab lab, SimShardClerk ck, String[] values) {
        for (int i = 0; i < values.length; i++) {
            lab.check(ck, key(i), values[i]);
        }
    }

    /** The lab's read-then-append round over every key. */
    private static void checkAndAppend(ShardLab lab, SimShardClerk ck, String[] values, Random random, int length) {
        for (int i = 0; i < values.length; i++) {
            lab.check(ck, key(i), values[i]);
            String x = randomString(random, length);
            lab.append(ck, key(i), x);
            values[i] += x;
        }
    }

    /**
     * Starts {@code clerks.size()} one-key Gets in parallel and gathers completions until 2 s pass
     * with none; returns how many completed, each checked against {@code values}.
     */
    private static int parallelGets(ShardLab lab, List<SimShardClerk> clerks, String[] values) {
        int[] completed = {0};
        for (int i = 0; i < clerks.size(); i++) {
            int k = i;
            clerks.get(i).get(key(k), v -> {
                if (!values[k].equals(v)) {
                    throw lab.fail("get(" + key(k) + "): expected " + values[k] + ", got " + v);
                }
                completed[0]++;
            });
        }
        int before;
        do {
            before = completed[0];
            lab.sleep(2 * SECOND);
        } while (completed[0] != before);
        return completed[0];
    }

    @ParameterizedTest(name = "TestStaticShards seed {0}")
    @MethodSource("seeds")
    void staticShards(long seed) {
        ShardLab lab = ShardLab.make(3, false, -1, seed);
        Random random = new Random(seed);
        SimShardClerk ck = lab.makeClerk();
        lab.join(0);
        lab.join(1);
        String[] values = putKeys(lab, ck, 10, 20, random);
        checkAll(lab, ck, values);

        lab.shutdownGroup(1);
        lab.checkLogs();
        List<SimShardClerk> clerks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            clerks.add(lab.makeClerk());
        }
        int served = lab.query().shardsOf(ShardLab.GIDS[0]).size();
        assertEquals(5, served, "the controller balances 10 shards over 2 groups");
        assertEquals(served, parallelGets(lab, clerks, values),
                "exactly the keys of the live group's shards must be served while group 101 is down");

        lab.startGroup(1);
        checkAll(lab, lab.makeClerk(), values);
    }

    @ParameterizedTest(name = "TestRejection seed {0}")
    @MethodSource("seeds")
    void rejection(long seed) {
        ShardLab lab = ShardLab.make(3, false, -1, seed);
        Random random = new Random(seed);
        SimShardClerk ck = lab.makeClerk();
        lab.join(0);
        lab.join(1);
        String[] values = putKeys(lab, ck, 10, 20, random);
        checkAll(lab, ck, values);

        SimCluster stale = lab.makeSecondController();
        SimCtrlerClerk staleAdmin = lab.adminOf(stale);
        lab.join(staleAdmin, 0);
        List<SimShardClerk> clerks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            clerks.add(lab.makeClerk(stale));
        }
        assertEquals(5, parallelGets(lab, clerks, values),
                "group 100 must refuse the keys of shards that the real configuration gives to 101");
    }

    @ParameterizedTest(name = "TestJoinLeave seed {0}")
    @MethodSource("seeds")
    void joinLeave(long seed) {
        ShardLab lab = ShardLab.make(3, false, -1, seed);
        Random random = new Random(seed);
        SimShardClerk ck = lab.makeClerk();
        lab.join(0);
        String[] values = putKeys(lab, ck, 10, 5, random);
        checkAll(lab, ck, values);
        lab.join(1);
        checkAndAppend(lab, ck, values, random, 5);
        lab.leave(0);
        checkAndAppend(lab, ck, values, random, 5);
        lab.sleep(SECOND);
        checkAll(lab, ck, values);
        lab.sleep(SECOND);
        lab.checkLogs();

        for (int server = 1; server <= 3; server++) {
            for (int s = 0; s < ShardLab.NSHARDS; s++) {
                assertNull(lab.service(0, server).machine().state(s), "group 100 left and its shards moved:"
                        + " server " + server + " must have deleted shard " + s);
            }
        }
        lab.shutdownGroup(0);
        checkAll(lab, ck, values);
    }

    /**
     * Beyond the lab: the old owner dies right after the new owner installed its shards, before
     * confirming the deletion. The new owner must keep walking configurations and hand shards on.
     */
    @ParameterizedTest(name = "new owner walks on while the old owner is down, seed {0}")
    @MethodSource("seeds")
    void newOwnerWalksOnWhileTheOldOwnerIsDown(long seed) {
        ShardLab lab = ShardLab.make(3, false, -1, seed);
        Random random = new Random(seed);
        SimShardClerk ck = lab.makeClerk();
        lab.join(0);
        String[] values = putKeys(lab, ck, 10, 5, random);
        lab.join(1);
        List<Integer> installed = new ArrayList<>();
        lab.await("a replica of group 101 installed a shard that no replica of group 100 has deleted yet", () -> {
            for (int i = 1; i <= 3; i++) {
                for (ShardGroupStateMachine.GcTask t : lab.service(1, i).machine().gcTasks()) {
                    if (IntStream.rangeClosed(1, 3).allMatch(
                            r -> lab.service(0, r).machine().state(t.shard()) == ShardState.OUTGOING)) {
                        installed.add(t.shard());
                        return true;
                    }
                }
            }
            return false;
        }, ShardLab.STEP_LIMIT);
        lab.shutdownGroup(0);
        Config three = lab.join(2);
        lab.await("every replica of group 101 takes configuration " + three.num() + " though group 100 never"
                        + " confirms a deletion",
                () -> IntStream.rangeClosed(1, 3).allMatch(i -> lab.service(1, i).machine().config().num() == three.num()),
                ShardLab.STEP_LIMIT);
        for (int i = 1; i <= 3; i++) {
            assertTrue(lab.service(1, i).machine().gcTasks().stream().anyMatch(t -> t.shard() == installed.get(0)),
                    "group 100 is down: the deletion of shard " + installed.get(0) + " stays owed");
        }
        for (int i = 0; i < 10; i++) {
            if (ShardLab.shardOf(key(i)) == installed.get(0)) {
                lab.check(ck, key(i), values[i]);
            }
        }
    }

    @ParameterizedTest(name = "TestSnapshot seed {0}")
    @MethodSource("seeds")
    void snapshot(long seed) {
        ShardLab lab = ShardLab.make(3, false, 1000, seed);
        Random random = new Random(seed);
        SimShardClerk ck = lab.makeClerk();
        lab.join(0);
        String[] values = putKeys(lab, ck, 30, 20, random);
        checkAll(lab, ck, values);
        lab.join(1);
        lab.join(2);
        lab.leave(0);
        checkAndAppend(lab, ck, values, random, 20);
        lab.leave(1);
        lab.join(0);
        checkAndAppend(lab, ck, values, random, 20);
        lab.sleep(SECOND);
        checkAll(lab, ck, values);
        lab.sleep(SECOND);
        lab.checkLogs();

        for (int gi = 0; gi < 3; gi++) {
            lab.shutdownGroup(gi);
        }
        for (int gi = 0; gi < 3; gi++) {
            lab.startGroup(gi);
        }
        checkAll(lab, ck, values);
    }

    @ParameterizedTest(name = "TestMissChange seed {0}")
    @MethodSource("seeds")
    void missChange(long seed) {
        ShardLab lab = ShardLab.make(3, false, 1000, seed);
        Random random = new Random(seed);
        SimShardClerk ck = lab.makeClerk();
        lab.join(0);
        String[] values = putKeys(lab, ck, 10, 20, random);
        checkAll(lab, ck, values);
        lab.join(1);
        for (int gi = 0; gi < 3; gi++) {
            lab.shutdownServer(gi, 1);
        }
        lab.join(2);
        lab.leave(1);
        lab.leave(0);
        checkAndAppend(lab, ck, values, random, 20);
        lab.join(1);
        checkAndAppend(lab, ck, values, random, 20);
        for (int gi = 0; gi < 3; gi++) {
            lab.startServer(gi, 1);
        }
        checkAndAppend(lab, ck, values, random, 20);
        lab.sleep(2 * SECOND);
        for (int gi = 0; gi < 3; gi++) {
            lab.shutdownServer(gi, 2);
        }
        lab.join(0);
        lab.leave(2);
        checkAndAppend(lab, ck, values, random, 20);
        for (int gi = 0; gi < 3; gi++) {
            lab.startServer(gi, 2);
        }
        checkAll(lab, ck, values);
        lab.sleep(5 * SECOND);
        long newest = lab.query().num();
        for (int gi = 0; gi < 3; gi++) {
            for (int i = 1; i <= 3; i++) {
                long reached = lab.service(gi, i).machine().config().num();
                assertEquals(newest, reached, "group " + ShardLab.GIDS[gi] + " server " + i
                        + " must catch up on the configurations it missed");
            }
        }
    }

    /** Clients appending to their own keys until told to stop: what each must finally read. */
    private static final class Appenders {
        private final ShardLab lab;
        private final List<SimShardClerk> clerks = new ArrayList<>();
        private final String[] values;
        private final Random random;
        private final int length;
        private final long pauseMicros;
        private boolean stopped;

        Appenders(ShardLab lab, String[] values, Random random, int length, long pauseMicros) {
            this.lab = lab;
            this.values = values;
            this.random = random;
            this.length = length;
            this.pauseMicros = pauseMicros;
            for (int i = 0; i < values.length; i++) {
                clerks.add(lab.makeClerk());
                next(i);
            }
        }

        private void next(int i) {
            if (stopped) {
                return;
            }
            String x = randomString(random, length);
            clerks.get(i).append(key(i), x, () -> {
                values[i] += x;
                lab.world.scheduler().after(pauseMicros, () -> next(i));
            });
        }

        /** Stops issuing, waits for every outstanding append, then checks every key. */
        void stopAndCheck() {
            stopped = true;
            lab.await("the appenders' last operations", () -> clerks.stream().noneMatch(SimShardClerk::busy),
                    ShardLab.STEP_LIMIT);
            SimShardClerk ck = lab.makeClerk();
            checkAll(lab, ck, values);
        }
    }

    @ParameterizedTest(name = "TestConcurrent1 seed {0}")
    @MethodSource("seeds")
    void concurrent1(long seed) {
        ShardLab lab = ShardLab.make(3, false, 100, seed);
        Random random = new Random(seed);
        SimShardClerk ck = lab.makeClerk();
        lab.join(0);
        String[] values = putKeys(lab, ck, 10, 5, random);
        Appenders appenders = new Appenders(lab, values, random, 5, 10 * MILLIS);
        lab.sleep(150 * MILLIS);
        lab.join(1);
        lab.sleep(500 * MILLIS);
        lab.join(2);
        lab.sleep(500 * MILLIS);
        lab.leave(0);
        lab.sleep(500 * MILLIS);
        for (int gi = 0; gi < 3; gi++) {
            lab.shutdownGroup(gi);
            lab.sleep(100 * MILLIS);
        }
        lab.leave(2);
        lab.sleep(100 * MILLIS);
        for (int gi = 0; gi < 3; gi++) {
            lab.startGroup(gi);
        }
        lab.sleep(100 * MILLIS);
        lab.join(0);
        lab.leave(1);
        lab.sleep(500 * MILLIS);
        lab.join(1);
        lab.sleep(SECOND);
        appenders.stopAndCheck();
        lab.checkLogs();
    }

    @ParameterizedTest(name = "TestConcurrent2 seed {0}")
    @MethodSource("seeds")
    void concurrent2(long seed) {
        ShardLab lab = ShardLab.make(3, false, -1, seed);
        Random random = new Random(seed);
        SimShardClerk ck = lab.makeClerk();
        lab.join(1);
        lab.join(0);
        lab.join(2);
        String[] values = putKeys(lab, ck, 10, 1, random);
        Appenders appenders = new Appenders(lab, values, random, 1, 50 * MILLIS);
        lab.leave(0);
        lab.leave(2);
        lab.sleep(3 * SECOND);
        lab.join(0);
        lab.join(2);
        lab.leave(1);
        lab.sleep(3 * SECOND);
        lab.join(1);
        lab.leave(0);
        lab.leave(2);
        lab.sleep(3 * SECOND);
        lab.shutdownGroup(1);
        lab.shutdownGroup(2);
        lab.sleep(SECOND);
        lab.startGroup(1);
        lab.startGroup(2);
        lab.sleep(2 * SECOND);
        appenders.stopAndCheck();
        lab.checkLogs();
    }

    @ParameterizedTest(name = "TestConcurrent3 seed {0}")
    @MethodSource("seeds")
    void concurrent3(long seed) {
        ShardLab lab = ShardLab.make(3, false, 300, seed);
        Random random = new Random(seed);
        SimShardClerk ck = lab.makeClerk();
        lab.join(0);
        String[] values = putKeys(lab, ck, 10, 1, random);
        Appenders appenders = new Appenders(lab, values, random, 1, 0);
        long end = lab.world.now() + 12 * SECOND;
        while (lab.world.now() < end) {
            lab.join(2);
            lab.join(1);
            lab.sleep(random.nextInt(900) * MILLIS);
            for (int gi = 0; gi < 3; gi++) {
                lab.shutdownGroup(gi);
                lab.startGroup(gi);
            }
            lab.sleep(random.nextInt(900) * MILLIS);
            lab.leave(1);
            lab.leave(2);
            lab.sleep(random.nextInt(900) * MILLIS);
        }
        lab.sleep(2 * SECOND);
        appenders.stopAndCheck();
        lab.checkLogs();
    }

    @ParameterizedTest(name = "TestUnreliable1 seed {0}")
    @MethodSource("seeds")
    void unreliable1(long seed) {
        ShardLab lab = ShardLab.make(3, true, 100, seed);
        Random random = new Random(seed);
        SimShardClerk ck = lab.makeClerk();
        lab.join(0);
        String[] values = putKeys(lab, ck, 10, 5, random);
        lab.join(1);
        lab.join(2);
        lab.leave(0);
        for (int round = 0; round < 20; round++) {
            checkAndAppend(lab, ck, values, random, 5);
        }
        lab.join(0);
        lab.leave(1);
        for (int round = 0; round < 20; round++) {
            checkAll(lab, ck, values);
        }
        lab.checkLogs();
    }

    /** The configuration schedule Unreliable2 and Unreliable3 share. */
    private static void unreliableSchedule(ShardLab lab) {
        lab.sleep(150 * MILLIS);
        lab.join(1);
        lab.sleep(500 * MILLIS);
        lab.join(2);
        lab.sleep(500 * MILLIS);
        lab.leave(0);
        lab.sleep(500 * MILLIS);
        lab.leave(1);
        lab.sleep(500 * MILLIS);
        lab.join(1);
        lab.join(0);
        lab.sleep(2 * SECOND);
    }

    @ParameterizedTest(name = "TestUnreliable2 seed {0}")
    @MethodSource("seeds")
    void unreliable2(long seed) {
        ShardLab lab = ShardLab.make(3, true, 100, seed);
        Random random = new Random(seed);
        SimShardClerk ck = lab.makeClerk();
        lab.join(0);
        String[] values = putKeys(lab, ck, 10, 5, random);
        Appenders appenders = new Appenders(lab, values, random, 5, 0);
        unreliableSchedule(lab);
        lab.setReliable(true);
        appenders.stopAndCheck();
        lab.checkLogs();
    }

    @ParameterizedTest(name = "TestUnreliable3 seed {0}")
    @MethodSource("seeds")
    void unreliable3(long seed) {
        ShardLab lab = ShardLab.make(3, true, 100, seed);
        Random random = new Random(seed);
        SimShardClerk ck = lab.makeClerk();
        lab.join(0);
        putKeys(lab, ck, 10, 5, random);
        List<SimShardClerk> clerks = new ArrayList<>();
        boolean[] stopped = {false};
        for (int c = 0; c < 10; c++) {
            SimShardClerk clerk = lab.makeClerk();
            clerks.add(clerk);
            randomOps(lab, clerk, random, stopped);
        }
        unreliableSchedule(lab);
        stopped[0] = true;
        lab.setReliable(true);
        lab.await("the clients' last operations", () -> clerks.stream().noneMatch(SimShardClerk::busy),
                ShardLab.STEP_LIMIT);
        CheckResult result = lab.checkLinearizable();
        assertTrue(result.isOk());
    }

    /** 50 % append, 5 % put, 45 % get on a random one of the 10 keys, back to back until stopped. */
    private static void randomOps(ShardLab lab, SimShardClerk clerk, Random random, boolean[] stopped) {
        if (stopped[0]) {
            return;
        }
        String k = key(random.nextInt(10));
        int dice = random.nextInt(100);
        Runnable next = () -> randomOps(lab, clerk, random, stopped);
        if (dice < 50) {
            clerk.append(k, randomString(random, 5), next);
        } else if (dice < 55) {
            clerk.put(k, randomString(random, 5), next);
        } else {
            clerk.get(k, v -> next.run());
        }
    }

    @ParameterizedTest(name = "TestChallenge1Delete seed {0}")
    @MethodSource("seeds")
    void challenge1Delete(long seed) {
        ShardLab lab = ShardLab.make(3, false, 1, seed);
        Random random = new Random(seed);
        SimShardClerk ck = lab.makeClerk();
        lab.join(0);
        String[] values = putKeys(lab, ck, 30, 1000, random);
        for (int i = 0; i < 3; i++) {
            lab.check(ck, key(i), values[i]);
        }
        for (int iteration = 0; iteration < 2; iteration++) {
            lab.join(1);
            lab.leave(0);
            lab.join(2);
            lab.sleep(3 * SECOND);
            for (int i = 0; i < 3; i++) {
                lab.check(ck, key(i), values[i]);
            }
            lab.leave(1);
            lab.join(0);
            lab.leave(2);
            lab.sleep(3 * SECOND);
            for (int i = 0; i < 3; i++) {
                lab.check(ck, key(i), values[i]);
            }
        }
        lab.join(1);
        lab.join(2);
        for (int round = 0; round < 3; round++) {
            lab.sleep(SECOND);
            for (int i = 0; i < 3; i++) {
                lab.check(ck, key(i), values[i]);
            }
        }
        long total = lab.totalPersistedBytes();
        long budget = 3 * (27 * 1000 + 2 * 3 * 1000 + 6000);
        assertTrue(total <= budget, "persisted " + total + " bytes over 9 servers, budget " + budget);
        checkAll(lab, ck, values);
        System.out.printf("challenge 1 seed %d: %,d bytes persisted over 9 servers (budget %,d)%n", seed, total, budget);
    }

    @ParameterizedTest(name = "TestChallenge2Unaffected seed {0}")
    @MethodSource("seeds")
    void challenge2Unaffected(long seed) {
        ShardLab lab = ShardLab.make(3, true, 100, seed);
        SimShardClerk ck = lab.makeClerk();
        lab.join(0);
        String[] values = new String[10];
        for (int i = 0; i < 10; i++) {
            values[i] = "100";
            lab.put(ck, key(i), values[i]);
        }
        lab.join(1);
        Config c = lab.query();
        List<Integer> owned101 = c.shardsOf(ShardLab.GIDS[1]);
        lab.sleep(SECOND);
        for (int i = 0; i < 10; i++) {
            if (owned101.contains(ShardLab.shardOf(key(i)))) {
                values[i] = "101";
                lab.put(ck, key(i), values[i]);
            }
        }
        lab.shutdownGroup(0);
        lab.leave(0);
        lab.sleep(SECOND);
        int checked = 0;
        for (int i = 0; i < 10; i++) {
            if (owned101.contains(ShardLab.shardOf(key(i)))) {
                lab.check(ck, key(i), values[i]);
                lab.put(ck, key(i), values[i] + "-1");
                lab.check(ck, key(i), values[i] + "-1");
                checked++;
            }
        }
        assertEquals(owned101.size(), checked);
    }

    @ParameterizedTest(name = "TestChallenge2Partial seed {0}")
    @MethodSource("seeds")
    void challenge2Partial(long seed) {
        ShardLab lab = ShardLab.make(3, true, 100, seed);
        SimShardClerk ck = lab.makeClerk();
        lab.join(0, 1, 2);
        lab.sleep(SECOND);
        String[] values = new String[10];
        for (int i = 0; i < 10; i++) {
            values[i] = "100";
            lab.put(ck, key(i), values[i]);
        }
        List<Integer> owned102 = lab.query().shardsOf(ShardLab.GIDS[2]);
        lab.shutdownGroup(0);
        lab.leave(0, 2);
        lab.sleep(SECOND);
        for (int i = 0; i < 10; i++) {
            if (owned102.contains(ShardLab.shardOf(key(i)))) {
                lab.check(ck, key(i), values[i]);
                lab.put(ck, key(i), values[i] + "-2");
                lab.check(ck, key(i), values[i] + "-2");
            }
        }
    }
}
