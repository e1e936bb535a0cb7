package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What users of command-line tools expect: sizes with units, settings from the environment, versions, completion. */
class ConventionsTest {

    @Test
    void sizesTakeBinaryUnits() {
        assertEquals(512, ByteSize.parse("512").bytes());
        assertEquals(64L << 10, ByteSize.parse("64k").bytes());
        assertEquals(64L << 20, ByteSize.parse("64m").bytes());
        assertEquals(64L << 20, ByteSize.parse("64MiB").bytes());
        assertEquals(2L << 30, ByteSize.parse("2GB").bytes());
        assertEquals(1L << 40, ByteSize.parse("1t").bytes());
        assertEquals(0, ByteSize.parse("0").bytes());
        for (String bad : new String[] {"", "-1", "64x", "1.5g", "m", "99999999999999999999", "9000000t"}) {
            assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(bad), bad);
        }
    }

    @Test
    void optionsComeFromTheEnvironmentUnlessGiven() {
        ReplicaOptions fromEnv = parseServer(Map.of("SHARDKV_SNAPSHOT_BYTES", "1m", "SHARDKV_CLUSTER_ID", "prod",
                "SHARDKV_DATA_DIR", "/var/lib/shardkv"));
        assertEquals(1L << 20, fromEnv.snapshotBytes.bytes());
        assertEquals("prod", fromEnv.clusterId);
        assertEquals("/var/lib/shardkv", fromEnv.dataDir.toString());
        ReplicaOptions flagWins = parseServer(Map.of("SHARDKV_CLUSTER_ID", "prod"), "--cluster-id", "staging");
        assertEquals("staging", flagWins.clusterId);
        ReplicaOptions defaults = parseServer(Map.of());
        assertEquals(64L << 20, defaults.snapshotBytes.bytes());
        assertEquals("shardkv", defaults.clusterId);
    }

    @Test
    void aBadSizeInTheEnvironmentIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(Map.of("SHARDKV_SNAPSHOT_BYTES", "lots"));
        cl.setErr(new PrintWriter(err));
        assertEquals(Main.USAGE, cl.execute("server", "--gid", "1", "--id", "1", "--peers", "1=127.0.0.1:1",
                "--controllers", "127.0.0.1:2", "--data-dir", "/nonexistent"));
        assertTrue(err.toString().contains("\"lots\" is not a size"), err.toString());
    }

    @Test
    void everyCommandPrintsTheBuildsVersion() {
        for (String[] args : new String[][] {{"--version"}, {"admin", "status", "--version"}, {"server", "--version"}}) {
            StringWriter out = new StringWriter();
            CommandLine cl = Main.commandLine(Map.of());
            cl.setOut(new PrintWriter(out));
            assertEquals(0, cl.execute(args));
            assertTrue(out.toString().startsWith("shardkv " + BuildInfo.version() + " (Java "), String.join(" ", args)
                    + ": " + out);
        }
    }

    @Test
    void completionCoversTheSubcommands() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine(Map.of());
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("generate-completion"));
        assertTrue(out.toString().contains("complete -F") && out.toString().contains("move-leader"), out.toString());
    }

    @Test
    void theLogFormatIsReadBeforeLoggingStarts() {
        assertEquals(LogFormat.json, LogFormat.requested(new String[] {"server", "--log-format", "json"}, Map.of()));
        assertEquals(LogFormat.json, LogFormat.requested(new String[] {"server", "--log-format=json"}, Map.of()));
        assertEquals(LogFormat.json, LogFormat.requested(new String[] {"server"}, Map.of("SHARDKV_LOG_FORMAT", "json")));
        assertEquals(LogFormat.text, LogFormat.requested(new String[] {"server", "--log-format", "text"},
                Map.of("SHARDKV_LOG_FORMAT", "json")));
        assertEquals(LogFormat.text, LogFormat.requested(new String[] {"cli", "get", "k"}, Map.of()));
        assertTrue(getClass().getResource("/" + LogFormat.json.configuration()) != null, "the json configuration ships");
    }

    private static ReplicaOptions parseServer(Map<String, String> env, String... more) {
        ServerCommand server = new ServerCommand();
        CommandLine cl = Main.commandLine(server, env);
        String[] base = {"--gid", "1", "--id", "1", "--peers", "1=127.0.0.1:1", "--controllers", "127.0.0.1:2"};
        String[] args = new String[base.length + more.length + (env.containsKey("SHARDKV_DATA_DIR") ? 0 : 2)];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        if (!env.containsKey("SHARDKV_DATA_DIR")) {
            args[args.length - 2] = "--data-dir";
            args[args.length - 1] = "/tmp/unused";
        }
        cl.parseArgs(args);
        return server.replica;
    }
}
