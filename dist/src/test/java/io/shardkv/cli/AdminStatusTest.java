package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.client.ClientConfig;
import io.shardkv.client.ShardKvClient;
import io.shardkv.group.MigrationDriver;
import io.shardkv.group.ShardGroupView;
import io.shardkv.group.ShardState;
import io.shardkv.group.ShardServerCluster;
import io.shardkv.rpc.HostPort;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code admin status} against a real cluster in this JVM: healthy, then with a replica down. */
class AdminStatusTest {

    private static final int SHARDS = 10;

    @Test
    void reportsEveryReplicaAndFailsNamingWhatIsWrong(@TempDir Path tmp) throws Exception {
        try (ShardServerCluster cluster = new ShardServerCluster(tmp, SHARDS, 0, MigrationDriver.Options.DEFAULTS, 3)) {
            long num = cluster.join(0, 1, 2).num();
            cluster.awaitSettled(num, Duration.ofSeconds(30));
            String ctrl = cluster.controllerAddresses().stream().map(HostPort::format).collect(Collectors.joining(","));

            String[] healthy = status(ctrl, "text");
            assertEquals("0", healthy[0], healthy[1]);
            assertTrue(healthy[1].startsWith("configuration " + num + ": 3 groups, 10 shards"), healthy[1]);
            assertTrue(healthy[1].trim().endsWith("healthy"), healthy[1]);
            assertEquals(12, healthy[1].lines().filter(l -> l.matches("  [0-9]+ +127\\.0\\.0\\.1:.*")).count(),
                    "a row per replica:\n" + healthy[1]);
            assertEquals(4, healthy[1].lines().filter(l -> l.contains(" leader ") && l.contains(" in term ")).count());
            assertTrue(healthy[1].contains("serving "), healthy[1]);

            String[] json = status(ctrl, "json");
            assertEquals("0", json[0]);
            assertTrue(json[1].startsWith("{\"healthy\":true,\"problems\":[],\"configuration\":{\"num\":" + num), json[1]);
            assertEquals(12, json[1].split("\"reachable\":true", -1).length - 1, json[1]);

            List<String> group101 = cluster.addresses(1);
            cluster.shutdownServer(1, 2);
            String[] degraded = status(ctrl, "text");
            assertEquals(Integer.toString(Main.FAILED), degraded[0], degraded[1]);
            assertTrue(degraded[1].contains("UNHEALTHY:\n  group " + ShardServerCluster.GIDS[1] + " replica "
                    + group101.get(1) + " unreachable"), degraded[1]);
            String[] degradedJson = status(ctrl, "json");
            assertTrue(degradedJson[1].startsWith("{\"healthy\":false,\"problems\":[\"group "
                    + ShardServerCluster.GIDS[1] + " replica " + group101.get(1)), degradedJson[1]);
        }
    }

    @Test
    void leaveAndMoveWaitUntilTheMovedShardsAreServed(@TempDir Path tmp) throws Exception {
        try (ShardServerCluster cluster = new ShardServerCluster(tmp, SHARDS, 0, MigrationDriver.Options.DEFAULTS, 5)) {
            String ctrl = cluster.controllerAddresses().stream().map(HostPort::format).collect(Collectors.joining(","));
            String[] join = admin(ctrl, "join", "--wait", "--group", ShardServerCluster.GIDS[0] + "="
                    + String.join(",", cluster.addresses(0)), "--group", ShardServerCluster.GIDS[1] + "="
                    + String.join(",", cluster.addresses(1)));
            assertEquals("0", join[0], join[1]);
            assertTrue(join[1].contains("every moved shard (10) is served by its new owner at configuration "), join[1]);
            try (ShardKvClient kv = ShardKvClient.connect(ClientConfig.of(List.of(ctrl.split(",")))
                    .withClusterId(ShardServerCluster.CLUSTER))) {
                for (int i = 0; i < 200; i++) {
                    kv.put("key-" + i, "v".repeat(100));
                }
            }
            String[] leave = admin(ctrl, "leave", "--gid", Integer.toString(ShardServerCluster.GIDS[1]), "--wait");
            assertEquals("0", leave[0], leave[1]);
            assertTrue(leave[1].contains("every moved shard (5) is served by its new owner"), leave[1]);
            assertTrue(!leave[1].contains(" 0 B pulled in"), "the new owner pulled the keys:\n" + leave[1]);
            long leaveNum = cluster.query().num();
            boolean served = false;
            for (int id = 1; id <= ShardServerCluster.REPLICAS; id++) {
                ShardGroupView v = cluster.server(0, id).view().get();
                served |= v.configNum() >= leaveNum && v.shards().size() == SHARDS
                        && v.shards().values().stream().allMatch(st -> st == ShardState.SERVING);
            }
            assertTrue(served, "when --wait returns, a replica of the remaining group serves every shard");
            String[] move = admin(ctrl, "move", "--shard", "3", "--gid", Integer.toString(ShardServerCluster.GIDS[0]),
                    "--wait");
            assertEquals("0", move[0], move[1]);
            assertTrue(move[1].contains("every moved shard (0)"), "a move to the owner moves nothing:\n" + move[1]);
            String[] bad = admin(ctrl, "leave", "--gid", "7", "--wait", "--wait-timeout", "soon");
            assertEquals(Integer.toString(Main.USAGE), bad[0], bad[1]);
        }
    }

    @Test
    void writesShardListsAsRanges() {
        assertEquals("0-21", StatusCommand.ranges(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
                18, 19, 20, 21)));
        assertEquals("1,3-4,9", StatusCommand.ranges(List.of(1, 3, 4, 9)));
        assertEquals("none", StatusCommand.ranges(List.of()));
    }

    private static String[] status(String ctrl, String format) {
        return admin(ctrl, "status", "-o", format);
    }

    /** The exit status of {@code admin --ctrl CTRL ... args} and what it printed, out then err. */
    private static String[] admin(String ctrl, String... args) {
        StringWriter out = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(out));
        List<String> all = new ArrayList<>(List.of("admin", "--ctrl", ctrl, "--cluster-id",
                ShardServerCluster.CLUSTER, "--timeout", "3s"));
        all.addAll(List.of(args));
        int exit = cmd.execute(all.toArray(String[]::new));
        return new String[] {Integer.toString(exit), out.toString()};
    }
}
