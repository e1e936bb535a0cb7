package io.shardkv.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.group.engine.EngineSettings;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.Shards;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The labs' shardkv scenarios on the real runtime in this JVM — controller and shard groups over
 * real sockets with real files and fsync: static shards, join/leave, concurrent appends through
 * reconfigurations and group restarts, and challenge 2 — run once per engine that keeps the
 * shards' data. Waits are bounded by generous limits, never asserted as latencies.
 */
abstract class ShardServerScenarios {

    protected static final int NSHARDS = 10;
    /** How long an operation that must succeed may take (a migration, an election, a restart included). */
    protected static final Duration OP_LIMIT = Duration.ofSeconds(30);
    protected static final Duration SETTLE_LIMIT = Duration.ofSeconds(60);
    private static final MigrationDriver.Options DRIVER =
            new MigrationDriver.Options(64 << 10, Duration.ofMillis(100), Duration.ofSeconds(10));

    @TempDir
    Path tmp;

    /** The engine every group replica keeps its shards' data in. */
    protected abstract EngineSettings engine();

    protected static String key(int i) {
        return ShardLab.key(i);
    }

    private static int shardOf(String key) {
        return Shards.shardOf(key.getBytes(StandardCharsets.UTF_8), NSHARDS);
    }

    protected static String randomValue(Random random, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    protected static void checkAll(NetShardClerk ck, String[] values) throws Exception {
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], ck.get(key(i), OP_LIMIT), "key " + key(i));
        }
    }

    protected ShardServerCluster cluster(long snapshotThreshold) throws Exception {
        return new ShardServerCluster(tmp, NSHARDS, snapshotThreshold, DRIVER, 42, cluster -> { }, engine());
    }

    @Test
    void staticShardsAreServedOnlyByTheirLiveOwners() throws Exception {
        try (ShardServerCluster c = cluster(0); NetShardClerk ck = c.clerk()) {
            c.join(0);
            Config config = c.join(1);
            Random random = new Random(1);
            String[] values = new String[10];
            for (int i = 0; i < 10; i++) {
                values[i] = randomValue(random, 20);
                ck.put(key(i), values[i], OP_LIMIT);
            }
            c.awaitSettled(config.num(), SETTLE_LIMIT);
            c.shutdownGroup(1);

            ExecutorService pool = Executors.newFixedThreadPool(10);
            try {
                List<Future<String>> gets = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    int k = i;
                    gets.add(pool.submit(() -> {
                        try (NetShardClerk one = c.clerk()) {
                            return one.get(key(k), Duration.ofSeconds(4));
                        }
                    }));
                }
                for (int i = 0; i < 10; i++) {
                    int owner = config.groupOf(shardOf(key(i)));
                    if (owner == ShardServerCluster.GIDS[0]) {
                        assertEquals(values[i], gets.get(i).get(), "group 100 is up and owns " + key(i));
                    } else {
                        int k = i;
                        ExecutionException e = assertThrows(ExecutionException.class, () -> gets.get(k).get(),
                                "group 101 is down: nobody may serve " + key(i));
                        assertTrue(e.getCause() instanceof TimeoutException, e.toString());
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            c.startGroup(1);
            checkAll(ck, values);
        }
    }

    @Test
    void dataMovesOnJoinAndLeaveAndTheOldOwnerDeletesIt() throws Exception {
        try (ShardServerCluster c = cluster(0); NetShardClerk ck = c.clerk()) {
            c.join(0);
            Random random = new Random(2);
            String[] values = new String[10];
            for (int i = 0; i < 10; i++) {
                values[i] = randomValue(random, 5);
                ck.put(key(i), values[i], OP_LIMIT);
            }
            c.join(1);
            appendToAll(ck, values, random);
            Config left = c.leave(0);
            appendToAll(ck, values, random);
            c.awaitSettled(left.num(), SETTLE_LIMIT);
            for (int id = 1; id <= ShardServerCluster.REPLICAS; id++) {
                ShardGroupView v = c.server(0, id).view().get(5, TimeUnit.SECONDS);
                assertEquals(List.of(), List.copyOf(v.shards().keySet()),
                        "group 100 left: replica " + id + " must have deleted every shard");
            }
            c.shutdownGroup(0);
            checkAll(ck, values);
        }
    }

    private static void appendToAll(NetShardClerk ck, String[] values, Random random) throws Exception {
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], ck.get(key(i), OP_LIMIT));
            String x = randomValue(random, 5);
            ck.append(key(i), x, OP_LIMIT);
            values[i] += x;
        }
    }

    @Test
    void concurrentAppendsSurviveReconfigurationsAndGroupRestartsExactlyOnce() throws Exception {
        try (ShardServerCluster c = cluster(4096); NetShardClerk ck = c.clerk()) {
            c.join(0);
            Random random = new Random(3);
            String[] values = new String[10];
            for (int i = 0; i < 10; i++) {
                values[i] = randomValue(random, 5);
                ck.put(key(i), values[i], OP_LIMIT);
            }
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(10);
            List<Future<String>> appenders = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int k = i;
                String start = values[i];
                long seed = random.nextLong();
                appenders.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    StringBuilder expected = new StringBuilder(start);
                    try (NetShardClerk one = c.clerk()) {
                        for (int n = 0; n < 1000 && !stop.get(); n++) {
                            String x = randomValue(r, 5);
                            one.append(key(k), x, OP_LIMIT);
                            expected.append(x);
                            Thread.sleep(10);
                        }
                    }
                    return expected.toString();
                }));
            }
            try {
                Thread.sleep(150);
                c.join(1);
                Thread.sleep(500);
                c.join(2);
                Thread.sleep(500);
                c.leave(0);
                Thread.sleep(500);
                c.shutdownGroup(1);
                Thread.sleep(300);
                c.startGroup(1);
                c.join(0);
                c.leave(2);
                Thread.sleep(1000);
                stop.set(true);
                for (int i = 0; i < 10; i++) {
                    values[i] = appenders.get(i).get(2, TimeUnit.MINUTES);
                }
            } finally {
                stop.set(true);
                pool.shutdownNow();
            }
            checkAll(ck, values);
        }
    }

    @Test
    void challenge2UnaffectedShardsAreServedWhileAMigrationIsStuck() throws Exception {
        try (ShardServerCluster c = cluster(0); NetShardClerk ck = c.clerk()) {
            c.join(0);
            String[] values = new String[10];
            for (int i = 0; i < 10; i++) {
                values[i] = "100";
                ck.put(key(i), values[i], OP_LIMIT);
            }
            Config withBoth = c.join(1);
            c.awaitSettled(withBoth.num(), SETTLE_LIMIT);
            List<Integer> owned101 = withBoth.shardsOf(ShardServerCluster.GIDS[1]);
            for (int i = 0; i < 10; i++) {
                if (owned101.contains(shardOf(key(i)))) {
                    values[i] = "101";
                    ck.put(key(i), values[i], OP_LIMIT);
                }
            }
            c.shutdownGroup(0);
            c.leave(0);
            int checked = 0;
            for (int i = 0; i < 10; i++) {
                if (owned101.contains(shardOf(key(i)))) {
                    assertEquals(values[i], ck.get(key(i), OP_LIMIT));
                    ck.put(key(i), values[i] + "-1", OP_LIMIT);
                    assertEquals(values[i] + "-1", ck.get(key(i), OP_LIMIT));
                    checked++;
                }
            }
            assertEquals(owned101.size(), checked);
        }
    }

    @Test
    void challenge2PartialShardsThatArrivedAreServedAtOnce() throws Exception {
        try (ShardServerCluster c = cluster(0); NetShardClerk ck = c.clerk()) {
            Config all = c.join(0, 1, 2);
            c.awaitSettled(all.num(), SETTLE_LIMIT);
            for (int i = 0; i < 10; i++) {
                ck.put(key(i), "100", OP_LIMIT);
            }
            List<Integer> owned102 = all.shardsOf(ShardServerCluster.GIDS[2]);
            c.shutdownGroup(0);
            c.leave(0, 2);
            for (int i = 0; i < 10; i++) {
                if (owned102.contains(shardOf(key(i)))) {
                    assertEquals("100", ck.get(key(i), OP_LIMIT));
                    ck.put(key(i), "100-2", OP_LIMIT);
                    assertEquals("100-2", ck.get(key(i), OP_LIMIT));
                }
            }
        }
    }
}
