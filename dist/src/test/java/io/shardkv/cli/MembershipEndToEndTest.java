package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Replacing a dead replica as an operator does it, through the launcher: a local cluster's shard
 * replica is killed with SIGKILL and its data directory deleted, a new replica process is started
 * with {@code server --join}, and {@code admin replace} adds it as a learner, waits for it to catch
 * up, promotes it and removes the dead one; {@code admin move-leader} then hands it leadership, and
 * every key written before is still there.
 */
class MembershipEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void aDeadReplicaIsReplacedAndTheNewOneLeads() throws Exception {
        String d = dir.toString();
        Process joined = null;
        try {
            run("local", "start", "--dir", d, "--groups", "1", "--shards", "4", "--fsync", "NEVER", "--base-port",
                    Integer.toString(LocalClusterEndToEndTest.freeBasePort()));
            for (int i = 0; i < 50; i++) {
                run("cli", "--dir", d, "put", "key-" + i, "value-" + i);
            }
            LocalLayout layout = LocalLayout.load(dir);
            List<LocalLayout.Process> group = layout.group(0);
            LocalLayout.Process dead = group.get(2);
            LocalClusterEndToEndTest.kill9(layout.pidFile(dead));
            deleteTree(layout.dataDir(dead));

            int port = freePort();
            String address = "127.0.0.1:" + port;
            joined = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), Main.class.getName(), "server", "--join",
                    "--id", "4", "--gid", Integer.toString(dead.gid()), "--data-dir", dir.resolve("data").resolve("new-4").toString(),
                    "--cluster-id", layout.clusterId(), "--shards", Integer.toString(layout.shards()), "--fsync", "NEVER",
                    "--peers", group.get(0).id() + "=" + group.get(0).address() + "," + group.get(1).id() + "="
                            + group.get(1).address() + ",4=" + address,
                    "--controllers", String.join(",", LocalLayout.addresses(layout.controllers())))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("new-4.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();

            String gid = Integer.toString(dead.gid());
            String replaced = run("admin", "--dir", d, "--timeout", "30s", "replace", "--group", gid, "--old",
                    Integer.toString(dead.id()), "--new", "4=" + address);
            assertTrue(replaced.contains("added 4 at " + address + " as a learner"), replaced);
            assertTrue(replaced.contains("learner 4 caught up"), replaced);
            assertTrue(replaced.contains("promoted 4 to voter"), replaced);
            assertTrue(replaced.contains("removed " + dead.id()), replaced);
            assertTrue(replaced.contains("records group " + gid + " at "), replaced);

            String members = run("admin", "--dir", d, "member", "list", "--group", gid);
            assertTrue(members.contains("4    voter           " + address), members);
            assertFalse(members.contains(dead.address()), members);

            String moved = run("admin", "--dir", d, "--timeout", "30s", "move-leader", "--group", gid, "--to", "4");
            assertTrue(moved.contains("4 leads"), moved);

            for (int i = 0; i < 50; i++) {
                assertEquals("value-" + i, run("cli", "--dir", d, "get", "key-" + i).trim());
            }
            StringWriter err = new StringWriter();
            CommandLine promote = Main.commandLine();
            promote.setErr(new PrintWriter(err));
            assertEquals(Main.USAGE, promote.execute("admin", "--dir", d, "member", "promote", "--group", gid,
                    "--id", "2"));
            assertTrue(err.toString().contains("2 is not a learner"), err.toString());
        } finally {
            if (joined != null) {
                joined.destroy();
                joined.waitFor(30, TimeUnit.SECONDS);
            }
            run("local", "stop", "--dir", d);
        }
    }

    private String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        assertEquals(0, code, String.join(" ", args) + " failed: " + err + out);
        return out.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
