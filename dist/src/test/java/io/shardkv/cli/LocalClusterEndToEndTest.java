package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher end to end, as a user runs it: {@code local start} spawns a controller group and two
 * shard groups as real processes, a long-lived {@code cli} process in pipe mode reads and writes,
 * a shard-group server and a controller are killed with SIGKILL, and the same session keeps
 * serving every key; {@code local start} restarts the missing processes on their data, and
 * {@code local stop} ends them — with the shards' data in RocksDB, so the killed server reopens its
 * engine. A process that dies while the cluster starts fails {@code local start} with its reason.
 */
class LocalClusterEndToEndTest {

    @TempDir
    Path dir;

    static int freeBasePort() throws IOException {
        Random random = new Random();
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20_000 + random.nextInt(400) * 100;
            boolean free = true;
            for (int p = base + 1; p <= base + 40 && free; p++) {
                free = free(p) && free(p + LocalLayout.METRICS_OFFSET) && free(p + LocalLayout.REDIS_OFFSET);
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no free range of 40 ports found");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return s.getLocalPort() == port;
        } catch (IOException inUse) {
            return false;
        }
    }

    /** A {@code shardkv cli} process in pipe mode: one command in, one reply out. */
    private static final class Pipe implements AutoCloseable {
        private final Process process;
        private final Writer in;
        private final BufferedReader out;

        Pipe(Path dir) throws IOException {
            process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), Main.class.getName(), "cli", "--dir", dir.toString(),
                    "--timeout", "60s").redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        String send(String line) throws IOException {
            in.write(line + "\n");
            in.flush();
            String reply = out.readLine();
            if (reply == null) {
                throw new IOException("the cli process ended before answering \"" + line + "\"");
            }
            return reply;
        }

        @Override
        public void close() throws IOException {
            in.close();
            try {
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the cli must exit at the end of its input");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the cli exits", e);
            } finally {
                process.destroyForcibly();
            }
            assertEquals(0, process.exitValue());
        }
    }

    @Test
    void startUseKillNineKeepServingRestartStop() throws Exception {
        String base = Integer.toString(freeBasePort());
        String d = dir.toString();
        try {
            String started = Launch.ok("local", "start", "--dir", d, "--groups", "2", "--shards", "10", "--base-port", base,
                    "--engine", "rocksdb");
            assertTrue(started.contains("ready in"), started);
            List<String> expected = new ArrayList<>();
            try (Pipe cli = new Pipe(dir)) {
                for (int i = 0; i < 20; i++) {
                    assertEquals("OK", cli.send("put key-" + i + " value-" + i));
                    expected.add("VALUE value-" + i);
                }
                assertEquals("OK", cli.send("append key-0 and more"));
                expected.set(0, "VALUE value-0and more");
                assertEquals("TRUE", cli.send("cas key-1 value-1 swapped"));
                expected.set(1, "VALUE swapped");

                kill9(dir.resolve("run").resolve("server-100-1.pid"));
                kill9(dir.resolve("run").resolve("ctrler-1.pid"));
                for (int i = 0; i < 20; i++) {
                    assertEquals(expected.get(i), cli.send("get key-" + i), "key-" + i + " after two SIGKILLs");
                }
                for (int i = 20; i < 30; i++) {
                    assertEquals("OK", cli.send("put key-" + i + " after"));
                    assertEquals("VALUE after", cli.send("get key-" + i));
                }
                assertEquals("NIL", cli.send("get never-written"));
                assertTrue(cli.send("frobnicate x").startsWith("ERR USAGE"));
            }
            Launch.Result down = Launch.run("local", "status", "--dir", d);
            assertEquals(Main.FAILED, down.code(), "status fails while processes are down");
            assertTrue(down.out().contains("7 of 9 processes alive"), down.out());
            String restarted = Launch.ok("local", "start", "--dir", d, "--engine", "rocksdb");
            assertTrue(restarted.contains("2 processes started"), restarted);
            try (Socket redis = new Socket("127.0.0.1", Integer.parseInt(base) + 21 + LocalLayout.REDIS_OFFSET)) {
                redis.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("+PONG\r\n", new String(redis.getInputStream().readNBytes(7), StandardCharsets.US_ASCII));
            }
            String metrics = httpGet("http://127.0.0.1:" + (Integer.parseInt(base) + 21 + LocalLayout.METRICS_OFFSET)
                    + "/metrics");
            for (String name : new String[] {"shardkv_raft_term{", "shardkv_raft_role{",
                "shardkv_wal_fsync_duration_seconds_bucket{", "shardkv_raft_commit_duration_seconds_bucket{",
                "shardkv_raft_proposals_committed_total{", "shardkv_migrated_bytes_total{", "shardkv_shard_keys{",
                "shardkv_rpc_failed_requests_total{", "shardkv_peer_round_trip_seconds_bucket{",
                "shardkv_build_info{", "jvm_memory_used_bytes{", "shardkv_redis_connections{",
                "shardkv_redis_incomplete_command_bytes{", "shardkv_redis_protocol_errors_total{",
                "shardkv_engine_table_bytes{", "shardkv_engine_memtable_bytes{", "shardkv_engine_block_cache_bytes{"}) {
                assertTrue(metrics.contains(name), name + " missing from:\n" + metrics);
            }
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("shardkv_redis_command_duration_seconds_count{")
                    && l.contains("command=\"ping\"") && l.contains("reply=\"ok\"") && l.endsWith(" 1")),
                    "the PING is counted:\n" + metrics);
            String ready = awaitReady("http://127.0.0.1:" + (Integer.parseInt(base) + 21 + LocalLayout.METRICS_OFFSET)
                    + "/readyz");
            assertTrue(ready.contains("[+]leader ok") && ready.endsWith("readyz check passed\n"), ready);
            String status = Launch.ok("local", "status", "--dir", d);
            assertTrue(status.contains("9 of 9 processes alive"), status);
            assertTrue(status.lines().filter(l -> l.contains(" LEADER ")).count() >= 3,
                    "every group (controllers included) reports a leader:\n" + status);
            assertEquals("value-0and more", Launch.ok("cli", "--dir", d, "get", "key-0").trim());
            Launch.Result leave = Launch.run("admin", "--dir", d, "leave", "--gid", "999");
            assertEquals(Main.FAILED, leave.code());
            assertTrue(leave.err().contains("the controller refused: BAD_REQUEST: group 999 is not in the"
                    + " configuration"), leave.err());
        } finally {
            Launch.ok("local", "stop", "--dir", d);
        }
        assertTrue(Files.exists(dir.resolve("data")), "stop keeps the data");
        // A graceful stop persists each replica's engine: started again, every replica resumes from it.
        try {
            Launch.ok("local", "start", "--dir", d, "--engine", "rocksdb");
            assertEquals("value-0and more", Launch.ok("cli", "--dir", d, "get", "key-0").trim());
            for (String replica : new String[] {"server-100-2", "server-101-3"}) {
                String log = Files.readString(dir.resolve("logs").resolve(replica + ".log"));
                assertTrue(log.contains("resumed at entry"), replica + " did not resume from its engine:\n" + log);
            }
        } finally {
            Launch.ok("local", "stop", "--dir", d);
        }
    }

    @Test
    void aProcessThatDiesDuringStartFailsTheStartWithItsReason() throws Exception {
        String base = Integer.toString(freeBasePort());
        String d = dir.toString();
        for (int id = 1; id <= 3; id++) {
            // Group 100's data directories hold something that is not shardkv's: its replicas refuse them and exit.
            Path data = dir.resolve("data").resolve("server-100-" + id);
            Files.createDirectories(data);
            Files.writeString(data.resolve("engine"), "not a directory");
        }
        try {
            long begun = System.nanoTime();
            Launch.Result r = Launch.run("local", "start", "--dir", d, "--groups", "1", "--shards", "4", "--base-port",
                    base, "--engine", "rocksdb");
            assertEquals(Main.FAILED, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("server-100-") && r.err().contains("exited during start-up"), r.err());
            assertTrue(r.err().contains(dir.resolve("logs").toString()), "names the log: " + r.err());
            assertTrue(r.err().contains("shardkv: " + dir.resolve("data").resolve("server-100-")), "says why: " + r.err());
            assertTrue(System.nanoTime() - begun < TimeUnit.SECONDS.toNanos(85),
                    "fails when the process exits, not at the 90 s readiness limit");
        } finally {
            Launch.ok("local", "stop", "--dir", d);
        }
    }

    @Test
    void localReplaceSwapsReplicasForNewOnesAndTheClusterKeepsItsData() throws Exception {
        String base = Integer.toString(freeBasePort());
        String d = dir.toString();
        try {
            Launch.ok("local", "start", "--dir", d, "--groups", "1", "--shards", "4", "--base-port", base);
            Launch.ok("cli", "--dir", d, "put", "k", "before");

            String group = Launch.ok("local", "replace", "--dir", d, "--group", "100", "--replica", "2");
            assertTrue(group.contains("server-100-2 replaced by server-100-4"), group);
            String ctrler = Launch.ok("local", "replace", "--dir", d, "--replica", "1");
            assertTrue(ctrler.contains("ctrler-1 replaced by ctrler-4"), ctrler);
            assertFalse(Files.exists(dir.resolve("data").resolve("server-100-2")), "the old replica's data is deleted");

            String status = Launch.ok("local", "status", "--dir", d);
            assertTrue(status.contains("6 of 6 processes alive"), status);
            assertTrue(status.contains("server-100-4.log") && !status.contains("server-100-2.log"), status);
            assertEquals("before", Launch.ok("cli", "--dir", d, "get", "k").trim());
            Launch.ok("cli", "--dir", d, "put", "k", "after");

            // The layout remembers the members: a stop and start brings back the new ones, on their data.
            Launch.ok("local", "stop", "--dir", d);
            String restarted = Launch.ok("local", "start", "--dir", d);
            assertTrue(restarted.contains("6 processes started"), restarted);
            assertEquals("after", Launch.ok("cli", "--dir", d, "get", "k").trim());

            Launch.Result wrong = Launch.run("local", "replace", "--dir", d, "--group", "100", "--replica", "2");
            assertEquals(Main.USAGE, wrong.code());
            assertTrue(wrong.err().contains("replica 2 is not a member of group 100 (members [1, 3, 4])"), wrong.err());
        } finally {
            Launch.ok("local", "stop", "--dir", d);
        }
    }

    static String httpGet(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url);
        return r.body();
    }

    /** The body of the readiness probe once it passes (a restarted replica may still be catching up). */
    private static String awaitReady(String url) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpClient http = HttpClient.newHttpClient();
        while (true) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return r.body();
            }
            assertTrue(System.nanoTime() - deadline < 0, url + " not ready within 30 s: " + r.body());
            Thread.sleep(100);
        }
    }

    static void kill9(Path pidFile) throws Exception {
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("process " + pid + " is not running"));
        h.destroyForcibly();
        h.onExit().get(30, TimeUnit.SECONDS);
    }
}
