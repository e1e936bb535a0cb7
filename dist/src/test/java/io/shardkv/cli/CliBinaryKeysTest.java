package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.client.ShardKvClient;
import io.shardkv.group.MigrationDriver;
import io.shardkv.group.ShardServerCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cli} through a real cluster: binary keys and values are typed, stored and printed without loss. */
class CliBinaryKeysTest {

    @Test
    void invalidUtf8KeysAreDistinctAndValuesPrintAsTheyAreTyped(@TempDir Path tmp) throws Exception {
        try (ShardServerCluster cluster = new ShardServerCluster(tmp, 10, 0, MigrationDriver.Options.DEFAULTS, 9)) {
            cluster.awaitSettled(cluster.join(0, 1).num(), Duration.ofSeconds(30));
            String ctrl = BackupRestoreTest.addresses(cluster);
            assertEquals("OK", cli(ctrl, "put", "\\xff", "first")[1].strip());
            assertEquals("OK", cli(ctrl, "put", "\\xfe", "second\\x00\\xc3")[1].strip());
            assertEquals("first", cli(ctrl, "get", "\\xff")[1].strip());
            assertEquals("second\\x00\\xc3", cli(ctrl, "get", "\\xfe")[1].strip());
            assertEquals("7365636f6e6400c3", cli(ctrl, "--hex", "get", "fe")[1].strip());
            assertEquals("OK", cli(ctrl, "--hex", "put", "00ff", "c3a9")[1].strip());
            assertEquals("\u00e9", cli(ctrl, "get", "\\x00\\xff")[1].strip());
            try (ShardKvClient kv = BackupRestoreTest.client(ctrl)) {
                assertArrayEquals(new byte[] {'s', 'e', 'c', 'o', 'n', 'd', 0, (byte) 0xc3}, kv.get(new byte[] {(byte) 0xfe}));
            }
            String[] bad = cli(ctrl, "put", "C:\\tmp", "v");
            assertEquals(Integer.toString(Main.USAGE), bad[0], bad[1]);
            assertTrue(bad[1].contains("a backslash starts \\xNN"), bad[1]);
        }
    }

    private static String[] cli(String ctrl, String... args) {
        StringWriter out = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(out, true));
        List<String> all = new ArrayList<>(List.of("cli", "--ctrl", ctrl, "--cluster-id", ShardServerCluster.CLUSTER,
                "--timeout", "20s"));
        all.addAll(List.of(args));
        int exit = cmd.execute(all.toArray(String[]::new));
        return new String[] {Integer.toString(exit), out.toString()};
    }
}
