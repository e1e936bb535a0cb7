package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.group.MigrationDriver;
import io.shardkv.group.ShardServerCluster;
import io.shardkv.rpc.HostPort;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code admin join} refuses what would give shards to nobody, naming the server and why. */
class AdminJoinTest {

    private static final int SHARDS = 10;

    @Test
    void refusesServersThatAreNotReplicasOfTheGroupAndRejoinsWithOtherServers(@TempDir Path tmp) throws Exception {
        try (ShardServerCluster cluster = new ShardServerCluster(tmp, SHARDS, 0, MigrationDriver.Options.DEFAULTS, 7)) {
            String ctrl = cluster.controllerAddresses().stream().map(HostPort::format).collect(Collectors.joining(","));
            int g100 = ShardServerCluster.GIDS[0];
            int g101 = ShardServerCluster.GIDS[1];
            String servers100 = String.join(",", cluster.addresses(0));

            long start = System.nanoTime();
            String[] nobody = admin(ctrl, "join", "--group", "200=127.0.0.1:1");
            assertEquals(Integer.toString(Main.FAILED), nobody[0], nobody[1]);
            assertTrue(nobody[1].contains("not joined: 127.0.0.1:1 refused the connection: nothing listens there"),
                    nobody[1]);
            assertTrue(nobody[1].contains("(group 200)") && nobody[1].contains("--force"), nobody[1]);
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "a refused connection fails at once");

            String[] other = admin(ctrl, "join", "--group", "105=" + servers100);
            assertEquals(Integer.toString(Main.FAILED), other[0], other[1]);
            assertTrue(other[1].contains(cluster.addresses(0).get(0) + " is a replica of group " + g100
                    + ", not of group 105"), other[1]);
            assertTrue(admin(ctrl, "query")[1].startsWith("configuration 0"), "nothing was joined");

            String[] joined = admin(ctrl, "join", "--group", g100 + "=" + servers100);
            assertEquals("0", joined[0], joined[1]);
            String[] again = admin(ctrl, "join", "--group", g100 + "=" + servers100);
            assertEquals("0", again[0], "joining again with the same servers is a no-op:\n" + again[1]);
            assertTrue(again[1].startsWith("configuration 1"), again[1]);

            String[] moved = admin(ctrl, "join", "--group", g100 + "=" + String.join(",", cluster.addresses(1)));
            assertEquals(Integer.toString(Main.USAGE), moved[0], moved[1]);
            assertTrue(moved[1].contains("group " + g100 + " has already joined with servers " + servers100
                    + "; change its members with admin member add/remove or admin replace"), moved[1]);

            String[] forced = admin(ctrl, "join", "--force", "--group", g101 + "=" + String.join(",",
                    cluster.addresses(1)) + ",127.0.0.1:1");
            assertEquals("0", forced[0], forced[1]);
            assertTrue(forced[1].contains("warning (--force): 127.0.0.1:1 refused the connection"), forced[1]);
            assertTrue(forced[1].contains("configuration 2"), forced[1]);
            assertFalse(forced[1].contains("not joined"), forced[1]);
        }
    }

    /** The exit status of {@code admin --ctrl CTRL ... args} and what it printed, out then err. */
    private static String[] admin(String ctrl, String... args) {
        StringWriter out = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(out, true));
        List<String> all = new ArrayList<>(List.of("admin", "--ctrl", ctrl, "--cluster-id",
                ShardServerCluster.CLUSTER, "--timeout", "5s"));
        all.addAll(List.of(args));
        int exit = cmd.execute(all.toArray(String[]::new));
        return new String[] {Integer.toString(exit), out.toString()};
    }
}
