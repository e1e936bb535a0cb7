package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.shardkv.client.ShardKvClient;
import io.shardkv.group.MigrationDriver;
import io.shardkv.group.ShardServerCluster;
import io.shardkv.linearizability.Bytes;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.KvInput;
import io.shardkv.linearizability.KvOutput;
import io.shardkv.linearizability.LinearizabilityChecker;
import io.shardkv.rpc.ctrler.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The two most used Java cluster clients, Jedis ({@code RedisClusterClient}) and Lettuce
 * ({@code RedisClusterClient}), neither written here, against the replicas' Redis ports of a
 * real-socket cluster: each reads what the other and the client library wrote; and a history of
 * Jedis SETs and GETs, recorded while group leaders are stopped and shards move, is linearizable.
 */
class RedisClientsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** Jedis's cluster client, told of one replica; it learns the others from CLUSTER SLOTS. */
    /**
     * Jedis resends a command on a new connection when a reply is late past its socket timeout, and
     * a write sent twice that way may apply twice (docs/redis.md), which the history check would
     * rightly reject. Servers stopped gracefully answer what they read before closing, and every
     * write is answered within its forward deadline, so a socket timeout far above both makes such
     * a resend not happen here; RedisIT, under kill -9, forbids resends outright.
     */
    private static redis.clients.jedis.RedisClusterClient jedis(ShardServerCluster cluster) {
        return redis.clients.jedis.RedisClusterClient.builder()
                .nodes(Set.of(new HostAndPort("127.0.0.1", cluster.redisPort(0, 1))))
                .clientConfig(DefaultJedisClientConfig.builder().socketTimeoutMillis(60_000).connectionTimeoutMillis(2_000)
                        .build())
                .maxAttempts(10)
                .build();
    }

    @Test
    void jedisLettuceAndTheClientLibrarySeeTheSameData(@TempDir Path tmp) throws Exception {
        try (ShardServerCluster cluster = new ShardServerCluster(tmp, 64, 0, MigrationDriver.Options.DEFAULTS, 7);
             ShardKvClient kv = BackupRestoreTest.client(BackupRestoreTest.addresses(cluster))) {
            Config joined = cluster.join(0, 1, 2);
            cluster.awaitSettled(joined.num(), PATIENCE);
            redis.clients.jedis.RedisClusterClient jedis = jedis(cluster);
            RedisClusterClient lettuce = RedisClusterClient.create(RedisURI.create("127.0.0.1", cluster.redisPort(1, 2)));
            try (StatefulRedisClusterConnection<String, String> connection = lettuce.connect()) {
                RedisAdvancedClusterCommands<String, String> sync = connection.sync();
                for (int i = 0; i < 50; i++) {
                    assertEquals("OK", jedis.set("jedis-" + i, "j" + i));
                    assertEquals("OK", sync.set("lettuce-" + i, "l" + i));
                    kv.put("library-" + i, "k" + i);
                }
                for (int i = 0; i < 50; i++) {
                    assertEquals("l" + i, jedis.get("lettuce-" + i), "Jedis reads what Lettuce wrote");
                    assertEquals("k" + i, jedis.get("library-" + i), "Jedis reads what the library wrote");
                    assertEquals("j" + i, sync.get("jedis-" + i), "Lettuce reads what Jedis wrote");
                    assertEquals("j" + i, kv.get("jedis-" + i), "the library reads what Jedis wrote");
                }
                assertEquals(3L, jedis.incrBy("{user42}:visits", 3));
                assertEquals(4L, sync.incr("{user42}:visits"));
                assertEquals("4", kv.get("{user42}:visits"));
                Random random = new Random(7);
                for (int i = 0; i < 200; i++) {
                    String key = (random.nextBoolean() ? "{tag" + random.nextInt(50) + "}" : "") + Long.toString(
                            random.nextLong(), 36);
                    assertEquals(JedisClusterCRC16.getSlot(key), sync.clusterKeyslot(key).intValue(),
                            "Jedis's own CRC16 and the server's CLUSTER KEYSLOT agree on " + key);
                }
            } finally {
                lettuce.shutdown();
                jedis.close();
            }
        }
    }

    @Test
    void aJedisHistoryIsLinearizableWhileLeadersStopAndShardsMove(@TempDir Path tmp) throws Exception {
        try (ShardServerCluster cluster = new ShardServerCluster(tmp, 16, 0, MigrationDriver.Options.DEFAULTS, 8)) {
            Config joined = cluster.join(0, 1);
            cluster.awaitSettled(joined.num(), PATIENCE);
            History history = new History();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                long clientId = c;
                done.add(clients.submit(() -> runClient(cluster, history, clientId, stop)));
            }
            try {
                Thread.sleep(1_000);
                for (int round = 0; round < 2; round++) {
                    stopALeader(cluster, round % 2);
                    Thread.sleep(1_500);
                    Config moved = round == 0 ? cluster.join(2) : cluster.leave(0);
                    cluster.awaitSettled(moved.num(), PATIENCE);
                    cluster.startGroup(0);
                    cluster.startGroup(1);
                    Thread.sleep(1_000);
                }
            } finally {
                stop.set(true);
                clients.shutdown();
            }
            int operations = 0;
            for (Future<Integer> f : done) {
                operations += f.get(60, TimeUnit.SECONDS);
            }
            CheckResult result = LinearizabilityChecker.check(history.operations());
            System.out.printf("linearizability: Jedis history of %d operations (%d completed by clients) on %d keys"
                    + " through 2 leader stops and 2 reconfigurations: %s in %d ms%n", history.size(), operations,
                    result.keys(), result.outcome(), result.elapsed().toMillis());
            assertTrue(result.isOk(), result.counterExample().map(Object::toString).orElse(result.outcome().toString()));
            assertTrue(operations > 100, "the clients got answers throughout: " + operations);
        }
    }

    /** Stops the replica of group {@code gi} that leads it now. */
    private static void stopALeader(ShardServerCluster cluster, int gi) throws Exception {
        cluster.shutdownServer(gi, cluster.leaderId(gi, PATIENCE));
    }

    /** One client: SETs of values unique to it and GETs on a few keys, each recorded; at most 20,000 operations. */
    private static int runClient(ShardServerCluster cluster, History history, long clientId, AtomicBoolean stop) {
        Random random = new Random(clientId);
        int completed = 0;
        try (redis.clients.jedis.RedisClusterClient jedis = jedis(cluster)) {
            for (int i = 0; i < 20_000 && !stop.get(); i++) {
                String key = "hist-" + random.nextInt(6);
                boolean write = random.nextBoolean();
                String value = "c" + clientId + "-" + i;
                long handle = history.invoke(clientId, write ? new KvInput.Put(Bytes.of(key), Bytes.of(value))
                        : new KvInput.Get(Bytes.of(key)));
                try {
                    if (write) {
                        jedis.set(key, value);
                        history.ret(handle, KvOutput.OK);
                    } else {
                        String got = jedis.get(key);
                        history.ret(handle, got == null ? KvOutput.ABSENT : KvOutput.value(Bytes.of(got)));
                    }
                    completed++;
                } catch (JedisException e) {
                    // No answer: the operation may or may not have taken effect.
                    history.timedOut(handle);
                }
            }
        }
        return completed;
    }
}
