package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.group.MigrationDriver;
import io.shardkv.group.ShardServerCluster;
import io.shardkv.rpc.HostPort;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
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
    void writesShardListsAsRanges() {
        assertEquals("0-21", StatusCommand.ranges(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
                18, 19, 20, 21)));
        assertEquals("1,3-4,9", StatusCommand.ranges(List.of(1, 3, 4, 9)));
        assertEquals("none", StatusCommand.ranges(List.of()));
    }

    /** The exit status and what was printed, out then err. */
    private static String[] status(String ctrl, String format) {
        StringWriter out = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(out));
        int exit = cmd.execute("admin", "--ctrl", ctrl, "--cluster-id", ShardServerCluster.CLUSTER, "--timeout", "3s",
                "status", "-o", format);
        return new String[] {Integer.toString(exit), out.toString()};
    }
}
