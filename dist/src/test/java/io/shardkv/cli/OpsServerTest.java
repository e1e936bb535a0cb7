package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.client.ClientConfig;
import io.shardkv.client.ShardKvClient;
import io.shardkv.group.MigrationDriver;
import io.shardkv.group.ShardGroupServer;
import io.shardkv.group.ShardServerCluster;
import io.shardkv.raft.server.ReplicaServer;
import io.shardkv.rpc.HostPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations port of every process of a real cluster in this JVM (3 controller replicas, 3
 * groups of 3, real sockets and files): probes, a full metrics answer, and both while one group
 * replica's node thread is held still.
 */
class OpsServerTest {

    private static final int SHARDS = 10;
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");
    private static final Set<String> FAMILIES = Set.of("shardkv_raft_term", "shardkv_raft_has_leader",
            "shardkv_raft_leader_changes_seen_total", "shardkv_raft_commit_duration_seconds_bucket",
            "shardkv_raft_apply_duration_seconds_bucket", "shardkv_wal_fsync_duration_seconds_bucket",
            "shardkv_peer_round_trip_seconds_bucket",
            "shardkv_peer_sent_bytes_total", "shardkv_rpc_received_bytes_total", "shardkv_raft_proposals_pending",
            "shardkv_disk_bytes", "shardkv_build_info");
    private static final Set<String> SHARD_FAMILIES = Set.of("shardkv_shard_keys", "shardkv_shard_config_num",
            "shardkv_shard_view_age_seconds", "shardkv_shard_view_stale_scrapes_total", "shardkv_migrated_bytes_total");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The body of the latest scrape. */
    private String lastBody = "";

    @Test
    void everyProcessAnswersInFullWhileAGroupReplicasNodeThreadIsHeld(@TempDir Path tmp) throws Exception {
        try (ShardServerCluster cluster = new ShardServerCluster(tmp, SHARDS, 0, MigrationDriver.Options.DEFAULTS, 7)) {
            Map<String, OpsServer> ops = new LinkedHashMap<>();
            List<ReplicaServer> ctrl = cluster.controllers();
            ShardGroupServer held = cluster.server(0, 1);
            try {
                for (ReplicaServer c : ctrl) {
                    ops.put("ctrler-" + c.node().id(), OpsServer.start(InetAddress.getLoopbackAddress(), 0, ServerMetrics.registry("ctrler", 0, c, null),
                            new Probes(c)));
                }
                for (int gi = 0; gi < ShardServerCluster.GIDS.length; gi++) {
                    for (int id = 1; id <= ShardServerCluster.REPLICAS; id++) {
                        ShardGroupServer s = cluster.server(gi, id);
                        ops.put("group-" + ShardServerCluster.GIDS[gi] + "-" + id, OpsServer.start(InetAddress.getLoopbackAddress(), 0,
                                ServerMetrics.registry("server", ShardServerCluster.GIDS[gi], s.replica(), s),
                                s == held ? new Probes(s.replica(), Duration.ofMillis(500)) : new Probes(s.replica())));
                    }
                }
                long num = cluster.join(0, 1, 2).num();
                cluster.awaitSettled(num, PATIENCE);
                writeSomeKeys(cluster);
                boolean putsTimed = false;
                for (Map.Entry<String, OpsServer> e : ops.entrySet()) {
                    awaitStatus(e.getValue(), "/readyz", 200, e.getKey());
                    assertEquals(200, get(e.getValue(), "/livez").statusCode(), e.getKey());
                    Map<String, List<Double>> m = scrape(e.getValue(), e.getKey());
                    requireFamilies(e.getKey(), m, e.getKey().startsWith("group") ? SHARD_FAMILIES : Set.of());
                    assertEquals(List.of(1.0), m.get("shardkv_raft_has_leader"), e.getKey());
                    putsTimed |= lastBody.contains("shardkv_request_duration_seconds_count{")
                            && lastBody.contains("operation=\"PUT\"") && lastBody.contains("status=\"OK\"");
                }
                assertTrue(putsTimed, "the puts are timed, by operation and status, at their groups' leaders");
                List<Double> heldShards = scrape(ops.get("group-100-1"), "held replica").get("shardkv_shard_keys");

                CountDownLatch inside = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                held.replica().node().execute(() -> {
                    inside.countDown();
                    awaitQuietly(release);
                });
                assertTrue(inside.await(10, TimeUnit.SECONDS), "the node thread took the task that holds it");
                try {
                    for (Map.Entry<String, OpsServer> e : ops.entrySet()) {
                        Map<String, List<Double>> m = scrape(e.getValue(), e.getKey() + " (node thread held)");
                        requireFamilies(e.getKey(), m, e.getKey().startsWith("group") ? SHARD_FAMILIES : Set.of());
                    }
                    Map<String, List<Double>> again = scrape(ops.get("group-100-1"), "held, again");
                    assertTrue(again.get("shardkv_shard_view_stale_scrapes_total").get(0) >= 2,
                            "each scrape of the held replica was served the last view: " + again.get(
                                    "shardkv_shard_view_stale_scrapes_total"));
                    assertTrue(again.get("shardkv_shard_view_age_seconds").get(0) > 0, "and says how old it is");
                    assertEquals(heldShards, again.get("shardkv_shard_keys"), "the last view lists the replica's shards");
                    String live = awaitStatus(ops.get("group-100-1"), "/livez", 503, "held replica");
                    assertTrue(live.contains("[-]node-thread failed: the node thread has not gone round its loop"), live);
                } finally {
                    release.countDown();
                }
                awaitStatus(ops.get("group-100-1"), "/livez", 200, "released replica");
                assertEquals(0.0, scrape(ops.get("group-100-1"), "released").get("shardkv_shard_view_age_seconds").get(0),
                        "a fresh view once the node thread answers again");
                assertEquals(404, get(ops.get("ctrler-1"), "/nothing-here").statusCode());
            } finally {
                ops.values().forEach(OpsServer::close);
            }
        }
    }

    private static void writeSomeKeys(ShardServerCluster cluster) {
        List<String> ctrl = cluster.controllerAddresses().stream().map(HostPort::format).toList();
        try (ShardKvClient kv = ShardKvClient.connect(ClientConfig.of(ctrl).withClusterId(ShardServerCluster.CLUSTER))) {
            for (int i = 0; i < 40; i++) {
                kv.put("key-" + i, "value-" + i);
                assertEquals("value-" + i, kv.get("key-" + i));
            }
        }
    }

    private static void requireFamilies(String who, Map<String, List<Double>> m, Set<String> more) {
        Set<String> missing = new TreeSet<>(FAMILIES);
        missing.addAll(more);
        missing.removeAll(m.keySet());
        assertTrue(missing.isEmpty(), who + " lacks " + missing);
        for (String name : m.keySet()) {
            assertTrue(name.startsWith("shardkv_") || name.startsWith("jvm_") || name.startsWith("process_"),
                    who + " exports " + name + " without the shardkv_ prefix");
        }
    }

    /** Every sample of a scrape, by metric name. */
    private Map<String, List<Double>> scrape(OpsServer server, String who) throws IOException, InterruptedException {
        HttpResponse<String> r = get(server, "/metrics");
        assertEquals(200, r.statusCode(), who + ": " + r.body());
        lastBody = r.body();
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), who + ": not a sample line: " + line);
            samples.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    private String awaitStatus(OpsServer server, String path, int status, String who) throws Exception {
        return await(server, path, r -> r.statusCode() == status, who + " " + path + " answering " + status);
    }

    private String await(OpsServer server, String path, Predicate<HttpResponse<String>> done, String what)
            throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        HttpResponse<String> r = get(server, path);
        while (!done.test(r)) {
            assertTrue(System.nanoTime() - deadline < 0, "no " + what + " within " + PATIENCE + "; last: "
                    + r.statusCode() + " " + r.body());
            Thread.sleep(50);
            r = get(server, path);
        }
        return r.body();
    }

    private HttpResponse<String> get(OpsServer server, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
