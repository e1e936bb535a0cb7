package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.client.ShardKvClient;
import io.shardkv.group.MigrationDriver;
import io.shardkv.group.ShardServerCluster;
import io.shardkv.rpc.ctrler.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's {@code redis-cli} (installed by bin/test; required where SHARDKV_REQUIRE_REDIS=1, as in
 * CI) against the replicas' RESP ports of a real-socket cluster: {@code -c} follows MOVED from any
 * replica to the slot's leader, every slot is listed by CLUSTER SLOTS, what redis-cli writes the
 * client library reads and the other way round, and keys stay readable after their shards move.
 */
class RedisCliTest {

    private static final Path REDIS_CLI = Path.of("/usr/bin/redis-cli");
    /** From the same package as redis-cli. */
    private static final Path REDIS_BENCHMARK = Path.of("/usr/bin/redis-benchmark");
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final int KEYS = 40;

    static void assumeRedisCli() {
        boolean installed = Files.isExecutable(REDIS_CLI);
        if ("1".equals(System.getenv("SHARDKV_REQUIRE_REDIS"))) {
            assertTrue(installed, "SHARDKV_REQUIRE_REDIS=1 but " + REDIS_CLI + " is missing (apt-get install redis-tools)");
        }
        Assumptions.assumeTrue(installed, REDIS_CLI + " is not installed (apt-get install redis-tools)");
    }

    /** Runs redis-cli against {@code port} with {@code args}; its output, trimmed. */
    private static String redisCli(int port, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(REDIS_CLI.toString(), "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "redis-cli " + String.join(" ", args) + " finished");
        return new String(out, StandardCharsets.UTF_8).strip();
    }

    @Test
    void redisCliReadsAndWritesTheClustersDataThroughAnyReplica(@TempDir Path tmp) throws Exception {
        assumeRedisCli();
        try (ShardServerCluster cluster = threeGroups(tmp, 5);
             ShardKvClient kv = BackupRestoreTest.client(BackupRestoreTest.addresses(cluster))) {
            for (int i = 0; i < KEYS; i++) {
                // Each write starts at another replica of another group: most are redirected.
                int port = cluster.redisPort(i % 3, 1 + i % ShardServerCluster.REPLICAS);
                assertEquals("OK", redisCli(port, "-c", "set", "key-" + i, "value-" + i), "set key-" + i);
            }
            for (int i = 0; i < KEYS; i++) {
                assertEquals("value-" + i, kv.get("key-" + i), "the client library reads what redis-cli wrote");
                kv.put("lib-" + i, "from-the-library-" + i);
                assertEquals("from-the-library-" + i, redisCli(cluster.redisPort(2, 3), "-c", "get", "lib-" + i));
            }

            String slots = redisCli(cluster.redisPort(0, 1), "cluster", "info");
            assertTrue(slots.contains("cluster_state:ok") && slots.contains("cluster_slots_ok:16384"), slots);
            assertEquals(redisCli(cluster.redisPort(0, 1), "cluster", "keyslot", "user42"),
                    redisCli(cluster.redisPort(0, 1), "cluster", "keyslot", "{user42}:cart"), "a hash tag picks the slot");
            assertEquals("12182", redisCli(cluster.redisPort(1, 2), "cluster", "keyslot", "foo"));

            assertEquals("OK", redisCli(cluster.redisPort(0, 1), "-c", "set", "foo", "bar"));
            List<String> answers = new ArrayList<>();
            for (int gi = 0; gi < 3; gi++) {
                for (int id = 1; id <= ShardServerCluster.REPLICAS; id++) {
                    answers.add(redisCli(cluster.redisPort(gi, id), "get", "foo"));
                }
            }
            assertEquals(1, answers.stream().filter("bar"::equals).count(), "one replica serves slot 12182: " + answers);
            String leader = answers.stream().filter(a -> !a.equals("bar")).findFirst().orElseThrow();
            assertTrue(leader.startsWith("MOVED 12182 127.0.0.1:"), leader);
            assertEquals(8, answers.stream().filter(leader::equals).count(),
                    "without -c every other replica sends the client to that one: " + answers);

            Config left = cluster.leave(2);
            cluster.awaitSettled(left.num(), PATIENCE);
            for (int i = 0; i < KEYS; i++) {
                assertEquals("value-" + i, redisCli(cluster.redisPort(0, 2), "-c", "get", "key-" + i),
                        "key-" + i + " after group 102 left");
            }
            assertTrue(redisCli(cluster.redisPort(0, 1), "set", "k", "v", "EX", "10").startsWith("ERR SET EX"),
                    "an option not supported is refused, never ignored");
        }
    }

    @Test
    void stringAndCounterCommandsAnswerAsRedisDoes(@TempDir Path tmp) throws Exception {
        assumeRedisCli();
        try (ShardServerCluster cluster = new ShardServerCluster(tmp, 64, 0, MigrationDriver.Options.DEFAULTS, 6)) {
            Config joined = cluster.join(0, 1);
            cluster.awaitSettled(joined.num(), PATIENCE);
            int port = cluster.redisPort(1, 2);
            List<String[]> script = List.of(
                    new String[] {"(integer) 1", "incr", "n"},
                    new String[] {"(integer) 11", "incrby", "n", "10"},
                    new String[] {"(integer) 10", "decr", "n"},
                    new String[] {"(integer) -5", "decrby", "n", "15"},
                    new String[] {"\"-5\"", "get", "n"},
                    new String[] {"(error) ERR value is not an integer or out of range", "incrby", "n", "1.5"},
                    new String[] {"OK", "set", "max", "9223372036854775807"},
                    new String[] {"(error) ERR increment or decrement would overflow", "incr", "max"},
                    new String[] {"OK", "set", "s", "abc"},
                    new String[] {"(error) ERR value is not an integer or out of range", "incr", "s"},
                    new String[] {"(integer) 5", "append", "s", "de"},
                    new String[] {"(integer) 5", "strlen", "s"},
                    new String[] {"\"abcde\"", "getset", "s", "x"},
                    new String[] {"(nil)", "set", "s2", "v", "XX"},
                    new String[] {"OK", "set", "s", "y", "XX"},
                    new String[] {"\"y\"", "set", "s", "z", "GET"},
                    new String[] {"\"z\"", "set", "s", "w", "NX", "GET"},
                    new String[] {"(nil)", "set", "fresh", "v", "NX", "GET"},
                    new String[] {"(integer) 0", "setnx", "fresh", "other"},
                    new String[] {"(nil)", "set", "fresh", "x", "IFEQ", "not-v"},
                    new String[] {"OK", "set", "fresh", "v2", "IFEQ", "v"},
                    new String[] {"\"v2\"", "set", "fresh", "v", "IFEQ", "v2", "GET"},
                    new String[] {"(error) ERR syntax error", "set", "fresh", "v", "NX", "IFEQ", "v"},
                    new String[] {"\"v\"", "getdel", "fresh"},
                    new String[] {"(nil)", "getdel", "fresh"},
                    new String[] {"(integer) 0", "exists", "fresh"},
                    new String[] {"(error) ERR syntax error", "set", "s", "v", "NX", "XX"},
                    new String[] {"(error) ERR wrong number of arguments for 'get' command", "get"},
                    new String[] {"(error) ERR unknown command 'nosuch', with args beginning with: 'a'", "nosuch", "a"},
                    new String[] {"OK", "mset", "{t}a", "1", "{t}b", "2"},
                    new String[] {"1) \"1\"\n2) \"2\"\n3) (nil)", "mget", "{t}a", "{t}b", "{t}c"},
                    new String[] {"(integer) 3", "exists", "{t}a", "{t}b", "{t}c", "{t}a"},
                    new String[] {"(integer) 2", "del", "{t}a", "{t}b", "{t}c"},
                    new String[] {"(integer) 1", "msetnx", "{t}x", "1", "{t}y", "2"},
                    new String[] {"(integer) 0", "msetnx", "{t}z", "3", "{t}y", "4"},
                    new String[] {"1) \"2\"\n2) (nil)", "mget", "{t}y", "{t}z"},
                    new String[] {"(error) CROSSSLOT Keys in request don't hash to the same slot", "msetnx", "a", "1", "b", "2"},
                    new String[] {"(error) CROSSSLOT Keys in request don't hash to the same slot", "mget", "a", "b"},
                    new String[] {"(error) ERR wrong number of arguments for 'mset' command", "mset", "a", "1", "b"},
                    new String[] {"1) \"appendonly\"\n2) \"yes\"", "config", "get", "appendonly"},
                    new String[] {"(empty array)", "config", "get", "maxmemory"},
                    new String[] {"PONG", "ping"});
            for (String[] step : script) {
                List<String> args = new ArrayList<>(List.of("-c"));
                args.addAll(List.of(step).subList(1, step.length));
                // redis-cli prints types only on a terminal; --no-raw asks for them here too.
                args.add(0, "--no-raw");
                assertEquals(step[0], redisCli(port, args.toArray(String[]::new)), String.join(" ", args));
            }
        }
    }

    @Test
    void keysAreListedPerNodeAsRedisClusterListsThem(@TempDir Path tmp) throws Exception {
        assumeRedisCli();
        try (ShardServerCluster cluster = threeGroups(tmp, 9);
             ShardKvClient kv = BackupRestoreTest.client(BackupRestoreTest.addresses(cluster))) {
            Set<String> scanKeys = new TreeSet<>();
            for (int i = 0; i < 300; i++) {
                kv.put("scan-" + i, "v");
                scanKeys.add("scan-" + i);
            }
            for (int i = 0; i < 30; i++) {
                kv.put("{tag}:" + i, "v");
            }
            String tagSlot = redisCli(cluster.redisPort(0, 1), "cluster", "keyslot", "{tag}");

            List<String> scanned = new ArrayList<>();
            List<String> matched = new ArrayList<>();
            long keysInTagSlot = 0;
            long dbsize = 0;
            int tagMaster = -1;
            for (int gi = 0; gi < 3; gi++) {
                int port = masterPort(cluster, gi);
                // redis-cli --scan sends SCAN (ten keys a call) until the cursor comes back 0.
                scanned.addAll(lines(redisCli(port, "--scan", "--pattern", "scan-*")));
                matched.addAll(lines(redisCli(port, "keys", "scan-1?")));
                dbsize += Long.parseLong(redisCli(port, "dbsize"));
                long inSlot = Long.parseLong(redisCli(port, "cluster", "countkeysinslot", tagSlot));
                if (inSlot > 0) {
                    tagMaster = port;
                }
                keysInTagSlot += inSlot;
            }
            assertEquals(scanKeys.size(), scanned.size(), "the masters' full SCANs return each key once: " + scanned);
            assertEquals(scanKeys, new TreeSet<>(scanned));
            assertEquals(scanKeys.stream().filter(k -> k.matches("scan-1.")).collect(Collectors.toCollection(TreeSet::new)),
                    new TreeSet<>(matched), "KEYS scan-1?");
            assertEquals(330, dbsize);
            assertEquals(30, keysInTagSlot, "one master holds slot " + tagSlot + ", with every {tag} key");
            List<String> ten = lines(redisCli(tagMaster, "cluster", "getkeysinslot", tagSlot, "10"));
            assertEquals(10, ten.size(), ten.toString());
            assertTrue(ten.stream().allMatch(k -> k.startsWith("{tag}:")), ten.toString());
            assertEquals(30, lines(redisCli(tagMaster, "cluster", "getkeysinslot", tagSlot, "1000")).size());

            List<String> page = lines(redisCli(tagMaster, "scan", "0", "count", "4"));
            assertEquals(5, page.size(), "a cursor and four keys: " + page);
            List<String> next = lines(redisCli(tagMaster, "scan", page.get(0), "count", "4"));
            assertTrue(next.size() > 1 && !page.subList(1, 5).contains(next.get(1)),
                    "another connection takes the iteration on: " + page + " then " + next);
            assertEquals("ERR invalid cursor", redisCli(tagMaster, "scan", "12345"), "a cursor never handed out");
            assertEquals("ERR Invalid slot", redisCli(tagMaster, "cluster", "countkeysinslot", "16384"));
            assertEquals("ERR syntax error", redisCli(tagMaster, "scan", "0", "count", "0"));
            assertEquals("0", redisCli(tagMaster, "scan", "0", "type", "hash"), "no key holds a hash");
        }
    }

    @Test
    void redisBenchmarkInClusterModeWritesWhatTheClientLibraryReads(@TempDir Path tmp) throws Exception {
        assumeRedisCli();
        try (ShardServerCluster cluster = threeGroups(tmp, 10);
             ShardKvClient kv = BackupRestoreTest.client(BackupRestoreTest.addresses(cluster))) {
            // Cluster mode reads CLUSTER NODES, wants at least three masters and spreads its keys over them.
            Process p = new ProcessBuilder(REDIS_BENCHMARK.toString(), "-p", Integer.toString(cluster.redisPort(1, 1)),
                    "--cluster", "-t", "set,get", "-d", "256", "-r", "500", "-c", "4", "-n", "2000", "--csv")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "redis-benchmark finished");
            assertEquals(0, p.exitValue(), out);
            for (String test : List.of("SET", "GET")) {
                String line = out.lines().filter(l -> l.startsWith("\"" + test + "\"")).findFirst()
                        .orElseThrow(() -> new AssertionError("no " + test + " result in: " + out));
                assertTrue(Double.parseDouble(line.split("\"")[3]) > 0, line);
            }
            assertTrue(!out.contains("ERR") && !out.contains("rror"), out);

            List<String> written = new ArrayList<>();
            for (int gi = 0; gi < 3; gi++) {
                written.addAll(lines(redisCli(masterPort(cluster, gi), "--scan", "--pattern", "key:*")));
            }
            // Each master's keys carry a hash tag of its own slots: up to 500 random keys on each.
            assertTrue(written.size() > 100 && written.size() <= 3 * 500, "keys over every master: " + written.size());
            for (String key : written.subList(0, 20)) {
                String value = kv.get(key);
                assertEquals(256, value.length(), key + ": -d 256");
                assertEquals(value, redisCli(cluster.redisPort(0, 2), "-c", "get", key), key + ", through both ways in");
            }
        }
    }

    /** A real-socket cluster of 64 shards, its three groups joined and every shard served. */
    private static ShardServerCluster threeGroups(Path tmp, long seed) throws Exception {
        ShardServerCluster cluster = new ShardServerCluster(tmp, 64, 0, MigrationDriver.Options.DEFAULTS, seed);
        try {
            Config joined = cluster.join(0, 1, 2);
            cluster.awaitSettled(joined.num(), PATIENCE);
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    /** The Redis port of the replica leading group {@code gi} now. */
    private static int masterPort(ShardServerCluster cluster, int gi) throws InterruptedException {
        return cluster.redisPort(gi, cluster.leaderId(gi, PATIENCE));
    }

    private static List<String> lines(String output) {
        return output.isEmpty() ? List.of() : List.of(output.split("\n"));
    }
}
