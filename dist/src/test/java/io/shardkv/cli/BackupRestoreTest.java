package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.client.ClientConfig;
import io.shardkv.client.ShardKvClient;
import io.shardkv.group.MigrationDriver;
import io.shardkv.group.ShardServerCluster;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.ctrler.Config;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code admin backup} of a cluster in this JVM while clients append and a shard moves, then
 * {@code restore} into a fresh cluster at new addresses: every key reads back as the source had it
 * at the backup's point — every append acknowledged before the backup began, none begun after it
 * ended, each once, in order — and the restored cluster takes writes and moves shards. A damaged
 * backup is refused naming the file.
 */
class BackupRestoreTest {

    private static final int SHARDS = 10;
    private static final int KEYS = 60;
    private static final int WRITERS = 4;
    private static final int MAX_APPENDS_PER_WRITER = 4_000;
    private static final Duration LOAD_LIMIT = Duration.ofSeconds(120);

    /** One acknowledged append: its token and when the call began and returned. */
    private record Ack(String key, String token, long startNanos, long endNanos) {
    }

    @Test
    void restoresWhatWasAcknowledgedBeforeTheBackupAndNothingBegunAfterIt(@TempDir Path tmp) throws Exception {
        Path backup = tmp.resolve("backup");
        ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        Map<String, String> sourceFinal = new HashMap<>();
        long backupStart;
        long backupEnd;
        String[] taken;
        try (ShardServerCluster source = new ShardServerCluster(tmp.resolve("source"), SHARDS, 256 << 10,
                MigrationDriver.Options.DEFAULTS, 11)) {
            source.awaitSettled(source.join(0, 1, 2).num(), Duration.ofSeconds(30));
            String ctrl = addresses(source);
            try (ShardKvClient kv = client(ctrl)) {
                for (int i = 0; i < KEYS; i++) {
                    kv.put(key(i), "");
                }
                for (int i = 0; i < 300; i++) {
                    kv.put("bulk-" + i, "b".repeat(2_000));
                }
            }
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> appendUntil(ctrl, writer, stop, acks)));
            }
            awaitAcks(acks, 200);
            // A shard in motion when the backup starts: group 100, asked first, must be waited for
            // until the shard it pulls from a stopped group has landed.
            Config before = source.query();
            int shard = firstShardNotOf(before, ShardServerCluster.GIDS[0]);
            int from = gi(before.groupOf(shard));
            source.shutdownGroup(from);
            source.move(shard, 0);
            StringWriter output = new StringWriter();
            ExecutorService backupThread = Executors.newSingleThreadExecutor();
            backupStart = System.nanoTime();
            Future<Integer> exit = backupThread.submit(() -> run(output, "admin", "--ctrl", ctrl, "--cluster-id",
                    ShardServerCluster.CLUSTER, "--timeout", "5s", "backup", "--out", backup.toString()));
            awaitOutput(output, "group 100: waiting: group 100 is still moving shards for configuration");
            source.startGroup(from);
            taken = new String[] {Integer.toString(exit.get(120, TimeUnit.SECONDS)), output.toString()};
            backupEnd = System.nanoTime();
            backupThread.shutdown();
            int ackedDuringBackup = acks.size();
            awaitAcks(acks, ackedDuringBackup + 200);
            stop.set(true);
            for (Future<?> f : writers) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEquals("0", taken[0], taken[1]);
            assertTrue(taken[1].contains("written to " + backup), taken[1]);
            long ackedBefore = acks.stream().filter(a -> a.endNanos() < backupStart).count();
            long begunAfter = acks.stream().filter(a -> a.startNanos() > backupEnd).count();
            assertTrue(ackedBefore >= 200 && begunAfter >= 100, "appends acknowledged before the backup (" + ackedBefore
                    + ") and begun after it (" + begunAfter + "), so both checks below check something");
            try (ShardKvClient kv = client(ctrl)) {
                for (int i = 0; i < KEYS; i++) {
                    sourceFinal.put(key(i), kv.get(key(i)));
                }
            }
        }

        String[] verified = run("restore", "verify", "--from", backup.toString());
        assertEquals("0", verified[0], verified[1]);
        assertTrue(verified[1].contains("every image whole"), verified[1]);

        try (ShardServerCluster restored = new ShardServerCluster(tmp.resolve("restored"), SHARDS, 256 << 10,
                MigrationDriver.Options.DEFAULTS, 12, cluster -> restoreInto(cluster, backup))) {
            String ctrl = addresses(restored);
            try (ShardKvClient kv = client(ctrl)) {
                int covered = 0;
                for (int i = 0; i < KEYS; i++) {
                    String k = key(i);
                    String value = kv.get(k);
                    assertNotNull(value, k + " was restored");
                    assertTrue(sourceFinal.get(k).startsWith(value), k + ": the restored value is the source's at some"
                            + " point: " + value + " vs " + sourceFinal.get(k));
                    List<String> tokens = Arrays.stream(value.split(";")).filter(t -> !t.isEmpty()).toList();
                    assertEquals(tokens.size(), new HashSet<>(tokens).size(), k + ": no append twice");
                    covered += tokens.size();
                    Set<String> present = new HashSet<>(tokens);
                    for (Ack a : acks) {
                        if (!a.key().equals(k)) {
                            continue;
                        }
                        if (a.endNanos() < backupStart) {
                            assertTrue(present.contains(a.token()), k + ": " + a.token() + " was acknowledged before"
                                    + " the backup began");
                        }
                        if (a.startNanos() > backupEnd) {
                            assertFalse(present.contains(a.token()), k + ": " + a.token() + " began after the backup");
                        }
                    }
                }
                assertTrue(covered > 200, "the backup holds the appends made before it: " + covered);
                assertEquals("b".repeat(2_000), kv.get("bulk-7"));
                kv.append(key(0), "after-restore;");
                assertTrue(kv.get(key(0)).endsWith("after-restore;"));
            }
            // The restored controller records the new addresses: a shard moves between restored groups.
            Config latest = restored.query();
            int shard = 5;
            int to = latest.groupOf(shard) == ShardServerCluster.GIDS[1] ? 2 : 1;
            String[] moved = run("admin", "--ctrl", ctrl, "--cluster-id", ShardServerCluster.CLUSTER, "--timeout", "5s",
                    "move", "--shard", Integer.toString(shard), "--gid", Integer.toString(ShardServerCluster.GIDS[to]),
                    "--wait", "--wait-timeout", "60s");
            assertEquals("0", moved[0], moved[1]);
            try (ShardKvClient kv = client(ctrl)) {
                for (int i = 0; i < KEYS; i++) {
                    assertTrue(sourceFinal.get(key(i)).startsWith(kv.get(key(i)).replace("after-restore;", "")));
                }
            }
        }

        refusesDamagedBackups(tmp, backup);
    }

    /** Each way a backup can be damaged is refused, naming the file; nothing is written. */
    private static void refusesDamagedBackups(Path tmp, Path backup) throws Exception {
        String[] nonEmpty = restoreGroup(backup, tmp.resolve("restored").resolve("group-100-1"));
        assertEquals(Integer.toString(Main.USAGE), nonEmpty[0], nonEmpty[1]);
        assertTrue(nonEmpty[1].contains("is not empty"), nonEmpty[1]);

        Path truncated = copy(backup, tmp.resolve("truncated"));
        Path image = truncated.resolve("group-100.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(f.length() - 10);
        }
        String[] t = restoreGroup(truncated, tmp.resolve("t-data"));
        assertEquals(Integer.toString(Main.FAILED), t[0], t[1]);
        assertTrue(t[1].contains(image + " is truncated"), t[1]);
        assertFalse(Files.exists(tmp.resolve("t-data")), "nothing written from a damaged backup");

        Path corrupt = copy(backup, tmp.resolve("corrupt"));
        Path ctrlImage = corrupt.resolve("controller.img");
        try (RandomAccessFile f = new RandomAccessFile(ctrlImage.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x40);
        }
        String[] c = run("restore", "verify", "--from", corrupt.toString());
        assertEquals(Integer.toString(Main.FAILED), c[0], c[1]);
        assertTrue(c[1].contains(ctrlImage + " is corrupt: its SHA-256 is "), c[1]);

        Path edited = copy(backup, tmp.resolve("edited"));
        Path manifest = edited.resolve(BackupManifest.FILE);
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("configuration=", "configuration=1"));
        String[] e = restoreGroup(edited, tmp.resolve("e-data"));
        assertEquals(Integer.toString(Main.FAILED), e[0], e[1]);
        assertTrue(e[1].contains(manifest + " is corrupt: its checksum does not match"), e[1]);

        Files.delete(manifest);
        String[] m = restoreGroup(edited, tmp.resolve("m-data"));
        assertEquals(Integer.toString(Main.FAILED), m[0], m[1]);
        assertTrue(m[1].contains(manifest + " does not exist"), m[1]);
    }

    private static int firstShardNotOf(Config c, int gid) {
        for (int s = 0; s < c.numShards(); s++) {
            if (c.groupOf(s) != gid) {
                return s;
            }
        }
        throw new AssertionError("group " + gid + " owns every shard of " + c);
    }

    private static int gi(int gid) {
        for (int gi = 0; gi < ShardServerCluster.GIDS.length; gi++) {
            if (ShardServerCluster.GIDS[gi] == gid) {
                return gi;
            }
        }
        throw new AssertionError("no group " + gid);
    }

    private static void awaitOutput(StringWriter output, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + LOAD_LIMIT.toNanos();
        while (!output.toString().contains(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the backup never printed \"" + expected + "\":\n" + output);
            }
            Thread.sleep(20);
        }
    }

    private static String[] restoreGroup(Path backup, Path dataDir) {
        return run("restore", "server", "--from", backup.toString(), "--gid", "100", "--id", "1",
                "--peers", "1=127.0.0.1:1", "--data-dir", dataDir.toString());
    }

    /** What an operator runs for every replica of the new cluster before starting it. */
    static void restoreInto(ShardServerCluster cluster, Path backup) {
        List<String> groups = new ArrayList<>();
        for (int gi = 0; gi < ShardServerCluster.GIDS.length; gi++) {
            groups.add("--group");
            groups.add(ShardServerCluster.GIDS[gi] + "=" + String.join(",", cluster.addresses(gi)));
        }
        for (int id = 1; id <= ShardServerCluster.REPLICAS; id++) {
            List<String> args = new ArrayList<>(List.of("restore", "ctrler", "--from", backup.toString(), "--id",
                    Integer.toString(id), "--peers", cluster.controllerPeers(), "--data-dir",
                    cluster.controllerDataDir(id).toString()));
            args.addAll(groups);
            String[] r = run(args.toArray(String[]::new));
            assertEquals("0", r[0], r[1]);
            for (int gi = 0; gi < ShardServerCluster.GIDS.length; gi++) {
                String[] g = run("restore", "server", "--from", backup.toString(), "--gid",
                        Integer.toString(ShardServerCluster.GIDS[gi]), "--id", Integer.toString(id), "--peers",
                        cluster.groupPeers(gi), "--data-dir", cluster.dataDir(gi, id).toString());
                assertEquals("0", g[0], g[1]);
            }
        }
    }

    private static void appendUntil(String ctrl, int writer, AtomicBoolean stop, ConcurrentLinkedQueue<Ack> acks) {
        Random random = new Random(writer);
        long deadline = System.nanoTime() + LOAD_LIMIT.toNanos();
        try (ShardKvClient kv = client(ctrl)) {
            for (int n = 0; n < MAX_APPENDS_PER_WRITER && !stop.get() && System.nanoTime() < deadline; n++) {
                String k = key(random.nextInt(KEYS));
                String token = "w" + writer + "." + n;
                long start = System.nanoTime();
                kv.append(k, token + ";");
                acks.add(new Ack(k, token, start, System.nanoTime()));
            }
        }
    }

    private static void awaitAcks(ConcurrentLinkedQueue<Ack> acks, int count) throws InterruptedException {
        long deadline = System.nanoTime() + LOAD_LIMIT.toNanos();
        while (acks.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static String key(int i) {
        return "key-" + i;
    }

    static String addresses(ShardServerCluster cluster) {
        return cluster.controllerAddresses().stream().map(HostPort::format).collect(Collectors.joining(","));
    }

    static ShardKvClient client(String ctrl) {
        return ShardKvClient.connect(ClientConfig.of(List.of(ctrl.split(","))).withClusterId(ShardServerCluster.CLUSTER)
                .withCallTimeout(Duration.ofSeconds(30)));
    }

    private static Path copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName().toString()));
            }
        }
        return to;
    }

    /** The exit status of the launcher given {@code args} and what it printed, out then err. */
    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        int exit = run(out, args);
        return new String[] {Integer.toString(exit), out.toString()};
    }

    private static int run(StringWriter out, String... args) {
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(out, true));
        return cmd.execute(args);
    }
}
