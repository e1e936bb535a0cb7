package io.shardkv.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.group.MigrationDriver;
import io.shardkv.group.ShardServerCluster;
import io.shardkv.linearizability.Bytes;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.KvInput;
import io.shardkv.linearizability.KvOutput;
import io.shardkv.linearizability.LinearizabilityChecker;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ControllerClerk;
import io.shardkv.rpc.ctrler.CtrlerWireTypes;
import io.shardkv.rpc.ctrler.Shards;
import io.shardkv.rpc.kv.KvLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client library against a real cluster in this JVM (3 controller replicas, 3 shard groups
 * of 3, real sockets and files): every operation, concurrent callers through reconfigurations
 * checked for linearizability and exactly-once appends, and each failure kind.
 */
class ShardKvClientTest {

    private static final int NSHARDS = 10;
    private static final MigrationDriver.Options DRIVER =
            new MigrationDriver.Options(64 << 10, Duration.ofMillis(100), Duration.ofSeconds(10));

    @TempDir
    Path tmp;
    private ShardServerCluster cluster;
    private ShardKvClient client;

    @BeforeEach
    void start() throws Exception {
        cluster = new ShardServerCluster(tmp, NSHARDS, 0, DRIVER, 5);
        cluster.join(0, 1);
        client = ShardKvClient.connect(config());
    }

    private ClientConfig config() {
        return ClientConfig.of(cluster.controllerAddresses().stream().map(HostPort::format).toList())
                .withClusterId(ShardServerCluster.CLUSTER);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        cluster.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyOperationInBothFormsAndBothEncodings() throws Exception {
        assertNull(client.get("absent"));
        client.put("k", "v1");
        assertEquals("v1", client.get("k"));
        client.append("k", "+");
        assertEquals("v1+", client.get("k"));
        assertFalse(client.compareAndSet("k", "v1", "v2"), "the value is v1+, not v1");
        assertTrue(client.compareAndSet("k", "v1+", "v2"));
        assertTrue(client.compareAndSet("new", null, "created"), "null expects the key to be absent");
        assertFalse(client.compareAndSet("new", null, "again"));
        assertTrue(client.delete("k"));
        assertFalse(client.delete("k"));
        assertNull(client.get("k"));

        byte[] key = {0, (byte) 0xff, 7};
        CompletableFuture<Void> put = client.putAsync(key, new byte[] {1, 2});
        put.get(30, TimeUnit.SECONDS);
        client.appendAsync(key, new byte[] {3}).get(30, TimeUnit.SECONDS);
        assertArrayEquals(new byte[] {1, 2, 3}, client.getAsync(key).get(30, TimeUnit.SECONDS));
        assertTrue(client.compareAndSetAsync(key, new byte[] {1, 2, 3}, new byte[] {9}).get(30, TimeUnit.SECONDS));
        assertTrue(client.deleteAsync(key).get(30, TimeUnit.SECONDS));
    }

    @Test
    void concurrentCallersThroughReconfigurationsAreLinearizableAndAppendExactlyOnce() throws Exception {
        History history = new History();
        int threads = 8;
        int keys = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Map<Integer, List<String>>>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(pool.submit(() -> {
                Random random = new Random(id);
                Map<Integer, List<String>> appended = new HashMap<>();
                for (int n = 0; n < 150; n++) {
                    int k = random.nextInt(keys);
                    String key = "key-" + k;
                    if (random.nextInt(3) == 0) {
                        long h = history.invoke(id, new KvInput.Get(Bytes.of(key)));
                        String v = client.get(key);
                        history.ret(h, v == null ? KvOutput.ABSENT : KvOutput.value(Bytes.of(v)));
                    } else {
                        String token = id + "." + n + ";";
                        long h = history.invoke(id, new KvInput.Append(Bytes.of(key), Bytes.of(token)));
                        client.append(key, token);
                        history.ret(h, KvOutput.OK);
                        appended.computeIfAbsent(k, x -> new ArrayList<>()).add(token);
                    }
                }
                return appended;
            }));
        }
        try {
            cluster.join(2);
            cluster.leave(0);
            cluster.join(0);
            Map<Integer, List<String>> all = new HashMap<>();
            for (Future<Map<Integer, List<String>>> w : workers) {
                w.get(3, TimeUnit.MINUTES).forEach((k, tokens) -> all.computeIfAbsent(k, x -> new ArrayList<>())
                        .addAll(tokens));
            }
            for (int k = 0; k < keys; k++) {
                String value = client.get("key-" + k);
                List<String> tokens = all.getOrDefault(k, List.of());
                for (String token : tokens) {
                    int first = value.indexOf(token);
                    assertTrue(first >= 0, token + " is missing from key-" + k);
                    assertEquals(-1, value.indexOf(token, first + 1), token + " was applied twice in key-" + k);
                }
                assertEquals(tokens.stream().mapToInt(String::length).sum(), value.length(), "key-" + k
                        + " holds something nobody appended");
            }
        } finally {
            pool.shutdownNow();
        }
        CheckResult result = LinearizabilityChecker.check(history.operations(), Duration.ofSeconds(60));
        assertTrue(result.isOk(), result.describe());
    }

    @Test
    void aRefusedRequestFailsAtOnceWithItsReason() {
        ShardKvException e = assertThrows(ShardKvException.class, () -> client.put(b("k"), new byte[(1 << 20) + 1]));
        assertEquals(ShardKvException.Kind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
    }

    @Test
    void oversizedKeysAndValuesAreRefusedBeforeSendingInTheServersWords() {
        // No controller answers this client: a refusal can only come from the client itself.
        try (ShardKvClient offline = ShardKvClient.connect(ClientConfig.of(List.of("127.0.0.1:1"))
                .withCallTimeout(Duration.ofSeconds(30)))) {
            ShardKvException key = assertThrows(ShardKvException.class, () -> offline.put(new byte[20 << 20], b("v")));
            assertEquals(ShardKvException.Kind.BAD_REQUEST, key.kind());
            assertEquals("BAD_REQUEST: key of 20971520 bytes exceeds the limit of " + KvLimits.MAX_KEY_BYTES,
                    key.getMessage());
            ShardKvException value = assertThrows(ShardKvException.class,
                    () -> offline.append(b("k"), new byte[100 << 20]));
            assertEquals(ShardKvException.Kind.BAD_REQUEST, value.kind());
            assertEquals("BAD_REQUEST: " + KvLimits.problem(b("k"), new byte[100 << 20]), value.getMessage());
            assertEquals(ShardKvException.Kind.BAD_REQUEST, assertThrows(ShardKvException.class,
                    () -> offline.get(new byte[KvLimits.MAX_KEY_BYTES + 1])).kind());
        }
    }

    @Test
    void aRequestTooBigToSendFailsAtOnceInsteadOfHanging() {
        ShardKvException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> assertThrows(ShardKvException.class, () -> client.put(b("k"), new byte[17 << 20])));
        assertEquals(ShardKvException.Kind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    }

    @Test
    void aKeyWhoseGroupIsDownTimesOutAndOthersAreStillServed() throws Exception {
        Config config = cluster.query();
        String down = null;
        String up = null;
        for (int i = 0; down == null || up == null; i++) {
            String k = "probe-" + i;
            int gid = config.groupOf(Shards.shardOf(b(k), NSHARDS));
            if (gid == ShardServerCluster.GIDS[1] && down == null) {
                down = k;
            } else if (gid == ShardServerCluster.GIDS[0] && up == null) {
                up = k;
            }
        }
        cluster.shutdownGroup(1);
        ShardKvClient impatient = client.withTimeout(Duration.ofSeconds(1));
        String key = down;
        long start = System.nanoTime();
        ShardKvException e = assertThrows(ShardKvException.class, () -> impatient.put(key, "x"));
        assertEquals(ShardKvException.Kind.TIMEOUT, e.kind());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "the call must give up near its timeout");
        impatient.put(up, "served");
        assertEquals("served", client.get(up));
    }

    @Test
    void unreachableControllersMakeACallUnavailableNotTimedOut() {
        try (ShardKvClient nowhere = ShardKvClient.connect(ClientConfig.of(List.of("127.0.0.1:1"))
                .withCallTimeout(Duration.ofSeconds(1)))) {
            ShardKvException e = assertThrows(ShardKvException.class, () -> nowhere.put("k", "v"));
            assertEquals(ShardKvException.Kind.UNAVAILABLE, e.kind());
            assertTrue(e.getMessage().contains("PUT could not be sent to any group within 1000 ms: no configuration"
                    + " from the controllers"), e.getMessage());
        }
    }

    @Test
    void aShardNoGroupServesIsUnavailable() throws Exception {
        Config none = cluster.leave(0, 1);
        int shard = Shards.shardOf(b("k"), NSHARDS);
        ShardKvException e = assertThrows(ShardKvException.class,
                () -> client.withTimeout(Duration.ofSeconds(1)).put("k", "v"));
        assertEquals(ShardKvException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().endsWith("no group serves shard " + shard + " in configuration " + none.num()),
                e.getMessage());
    }

    @Test
    void aGroupWhoseServersCannotBeAddressedIsUnavailableInsteadOfHanging() throws Exception {
        Config withBadGroup;
        try (Transport transport = Transport.create(TransportConfig.builder(ShardServerCluster.CLUSTER).build(),
                Codec.builder().install(new CtrlerWireTypes()).build());
             ControllerClerk admin = new ControllerClerk(transport, cluster.controllerAddresses())) {
            withBadGroup = admin.join(Map.of(99, List.of("no-port-here"))).get(30, TimeUnit.SECONDS);
        }
        String key = null;
        for (int i = 0; key == null; i++) {
            if (withBadGroup.groupOf(Shards.shardOf(b("bad-" + i), NSHARDS)) == 99) {
                key = "bad-" + i;
            }
        }
        String unaddressable = key;
        ShardKvException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(
                ShardKvException.class, () -> client.withTimeout(Duration.ofSeconds(1)).put(unaddressable, "v")));
        assertEquals(ShardKvException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("group 99 has servers [no-port-here] that cannot be addressed"),
                e.getMessage());
    }

    @Test
    void aClosedClientRefusesCalls() {
        ShardKvClient other = ShardKvClient.connect(config());
        other.put("k", "v");
        other.close();
        ShardKvException e = assertThrows(ShardKvException.class, () -> other.get("k"));
        assertEquals(ShardKvException.Kind.CLOSED, e.kind());
    }
}
