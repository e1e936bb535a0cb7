package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
            Launch.ok("local", "start", "--dir", d, "--groups", "1", "--shards", "4", "--fsync", "NEVER", "--base-port",
                    Integer.toString(LocalClusterEndToEndTest.freeBasePort()));
            for (int i = 0; i < 50; i++) {
                Launch.ok("cli", "--dir", d, "put", "key-" + i, "value-" + i);
            }
            LocalLayout layout = LocalLayout.load(dir);
            List<LocalLayout.Process> group = layout.group(0);
            LocalLayout.Process dead = group.get(2);
            LocalClusterEndToEndTest.kill9(layout.pidFile(dead));
            deleteTree(layout.dataDir(dead));

            String address = "127.0.0.1:" + freePort();
            joined = spawn(layout, "server", 4, address, group.subList(0, 2), "--gid", Integer.toString(dead.gid()),
                    "--controllers", String.join(",", LocalLayout.addresses(layout.controllers())));

            String gid = Integer.toString(dead.gid());
            String replaced = Launch.ok("admin", "--dir", d, "--timeout", "30s", "replace", "--group", gid, "--old",
                    Integer.toString(dead.id()), "--new", "4=" + address, "--catch-up-timeout", "60s");
            assertTrue(replaced.contains("added 4 at " + address + " as a learner"), replaced);
            assertTrue(replaced.contains("learner 4 caught up"), replaced);
            assertTrue(replaced.contains("promoted 4 to voter"), replaced);
            assertTrue(replaced.contains("removed " + dead.id()), replaced);
            assertTrue(replaced.contains("records group " + gid + " at "), replaced);

            String members = Launch.ok("admin", "--dir", d, "member", "list", "--group", gid);
            assertTrue(members.contains("4    voter           " + address), members);
            assertFalse(members.contains(dead.address()), members);

            String moved = Launch.ok("admin", "--dir", d, "--timeout", "30s", "move-leader", "--group", gid, "--to", "4");
            assertTrue(moved.contains("4 leads"), moved);

            for (int i = 0; i < 50; i++) {
                assertEquals("value-" + i, Launch.ok("cli", "--dir", d, "get", "key-" + i).trim());
            }
            Launch.Result promote = Launch.run("admin", "--dir", d, "member", "promote", "--group", gid, "--id", "2");
            assertEquals(Main.USAGE, promote.code());
            assertTrue(promote.err().contains("2 is not a learner"), promote.err());
        } finally {
            if (joined != null) {
                joined.destroy();
                joined.waitFor(30, TimeUnit.SECONDS);
            }
            Launch.ok("local", "stop", "--dir", d);
        }
    }

    /**
     * The controller group loses two of its three replicas for good, one after the other, and each
     * is replaced; a client given only the original addresses — one of them still a member — finds
     * the controller, and through it the data.
     */
    @Test
    void theControllerGroupIsReplacedAndAnOldAddressListStillFindsIt() throws Exception {
        String d = dir.toString();
        List<Process> joined = new ArrayList<>();
        try {
            Launch.ok("local", "start", "--dir", d, "--groups", "1", "--shards", "4", "--fsync", "NEVER", "--base-port",
                    Integer.toString(LocalClusterEndToEndTest.freeBasePort()));
            Launch.ok("cli", "--dir", d, "put", "before", "replacement");
            LocalLayout layout = LocalLayout.load(dir);
            List<LocalLayout.Process> ctrlers = layout.controllers();
            String oldList = String.join(",", LocalLayout.addresses(ctrlers));
            // id=address of the controllers alive, as an operator gives a joining replica its peers.
            Map<Integer, String> alive = new TreeMap<>();
            ctrlers.forEach(c -> alive.put(c.id(), c.address()));
            int nextId = 4;
            for (LocalLayout.Process dead : List.of(ctrlers.get(2), ctrlers.get(1))) {
                LocalClusterEndToEndTest.kill9(layout.pidFile(dead));
                deleteTree(layout.dataDir(dead));
                alive.remove(dead.id());
                String address = "127.0.0.1:" + freePort();
                StringBuilder peers = new StringBuilder();
                alive.forEach((id, a) -> peers.append(id).append('=').append(a).append(','));
                joined.add(spawnWithPeers(layout, "ctrler", nextId, address, peers.toString()));
                String replaced = Launch.ok("admin", "--ctrl", String.join(",", alive.values()), "--cluster-id",
                        layout.clusterId(), "--timeout", "30s", "replace", "--ctrler", "--old",
                        Integer.toString(dead.id()), "--new", nextId + "=" + address, "--catch-up-timeout", "60s");
                assertTrue(replaced.contains("removed " + dead.id()), replaced);
                alive.put(nextId, address);
                nextId++;
            }
            String members = Launch.ok("admin", "--ctrl", String.join(",", alive.values()), "--cluster-id", layout.clusterId(),
                    "member", "list", "--ctrler");
            assertTrue(members.contains("4    voter") && members.contains("5    voter"), members);
            assertEquals("replacement", Launch.ok("cli", "--ctrl", oldList, "--cluster-id", layout.clusterId(),
                    "--timeout", "30s", "get", "before").trim());
        } finally {
            for (Process p : joined) {
                p.destroy();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            Launch.ok("local", "stop", "--dir", d);
        }
    }

    /** Starts a replica that joins a running group whose live members include {@code peers}. */
    private Process spawn(LocalLayout layout, String role, int id, String address, List<LocalLayout.Process> peers,
                          String... extra) throws IOException {
        StringBuilder b = new StringBuilder();
        for (LocalLayout.Process p : peers) {
            b.append(p.id()).append('=').append(p.address()).append(',');
        }
        return spawnWithPeers(layout, role, id, address, b.toString(), extra);
    }

    private Process spawnWithPeers(LocalLayout layout, String role, int id, String address, String peers,
                                   String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), role, "--join",
                "--id", Integer.toString(id), "--data-dir", dir.resolve("data").resolve(role + "-new-" + id).toString(),
                "--cluster-id", layout.clusterId(), "--shards", Integer.toString(layout.shards()), "--fsync", "NEVER",
                "--peers", peers + id + "=" + address));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(role + "-new-" + id + ".log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
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
