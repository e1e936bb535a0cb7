package io.shardkv.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.shardkv.bench.workload.KeySpace;
import io.shardkv.cli.Main;
import io.shardkv.client.ClientConfig;
import io.shardkv.client.ShardKvClient;
import io.shardkv.group.MigrationDriver;
import io.shardkv.group.ShardServerCluster;
import io.shardkv.raft.testing.FreePorts;
import io.shardkv.rpc.HostPort;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The bench tool for a few seconds each way, as a user runs it: against a real in-process shardkv
 * cluster (3 controllers, one group of 3, real sockets and files) and against a real one-member
 * etcd started from Debian's etcd-server (skipped with a reason where etcd is not installed,
 * required where SHARDKV_REQUIRE_ETCD=1, as in CI).
 */
class BenchSmokeTest {

    private static final int KEYS = 300;

    @TempDir
    static Path tmp;
    private static ShardServerCluster cluster;
    private static String ctrl;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new ShardServerCluster(tmp.resolve("shardkv"), 8, 0,
                new MigrationDriver.Options(64 << 10, Duration.ofMillis(100), Duration.ofSeconds(10)), 3);
        cluster.join(0);
        ctrl = String.join(",", cluster.controllerAddresses().stream().map(HostPort::format).toList());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        cluster.close();
    }

    /** Exit code and output of {@code bench ARGS}. */
    private record Outcome(int exit, String out, String err) {
    }

    private static Outcome bench(String... args) {
        CommandLine cl = Main.commandLine(new BenchCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Outcome(exit, out.toString(), err.toString());
    }

    private static List<String> shardkv(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--ctrl", ctrl, "--cluster-id", ShardServerCluster.CLUSTER));
        return a;
    }

    private static double number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":([0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), field + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void loadsTheKeySpaceThenMeasuresAMixedClosedLoop() {
        Outcome load = bench(shardkv("load", "--keys", Integer.toString(KEYS), "--clients", "8", "--json")
                .toArray(String[]::new));
        assertEquals(0, load.exit(), load.err());
        assertEquals(KEYS, number(load.out(), "ops"));
        assertEquals(0, number(load.out(), "errors"));
        try (ShardKvClient kv = ShardKvClient.connect(ClientConfig.of(List.of(ctrl.split(",")))
                .withClusterId(ShardServerCluster.CLUSTER))) {
            byte[] v = kv.getAsync(new KeySpace(KEYS).key(KEYS - 1)).join();
            assertEquals(256, v.length, "the load wrote a 256-byte value under the last key");
        }

        Outcome run = bench(shardkv("run", "--workload", "read=50,write=40,cas=10", "--keys", Integer.toString(KEYS),
                "--clients", "4", "--warmup", "500ms", "--duration", "2s", "--progress", "1s", "--json")
                .toArray(String[]::new));
        assertEquals(0, run.exit(), run.err());
        assertTrue(number(run.out(), "ops") > 0, run.out());
        assertEquals(0, number(run.out(), "errors"), run.out());
        System.out.printf("bench smoke: shardkv, 4 clients, read/write/cas 50/40/10: %.0f ops in 2 s, p99 %.2f ms%n",
                number(run.out(), "ops"), number(run.out().substring(run.out().indexOf("\"all\"")), "p99"));
        for (String kind : List.of("read", "write", "cas")) {
            assertTrue(run.out().contains("\"" + kind + "\":{\"count\":"), kind + " latencies in " + run.out());
        }
    }

    @Test
    void anOpenLoopNeverStartsMoreThanItsRate() {
        Outcome run = bench(shardkv("run", "--workload", "ycsb-b", "--rate", "100", "--clients", "8", "--warmup", "500ms",
                "--duration", "2s", "--json").toArray(String[]::new));
        assertEquals(0, run.exit(), run.err());
        double ops = number(run.out(), "ops");
        assertTrue(ops > 0, run.out());
        assertTrue(ops <= 100 * 2.5 + 1, "at most rate x (warm-up + window) operations can complete: " + ops);
        assertTrue(run.out().contains("\"mode\":\"open\""), run.out());
    }

    @Test
    void badInputGivesOneLineAndAUsageExit() {
        Outcome workload = bench(shardkv("run", "--workload", "sometimes", "--duration", "1s").toArray(String[]::new));
        assertEquals(Main.USAGE, workload.exit());
        assertTrue(workload.err().startsWith("shardkv: --workload wants"), workload.err());
        assertEquals(1, workload.err().strip().lines().count(), workload.err());

        Outcome etcd = bench("run", "--target", "etcd", "--duration", "1s");
        assertEquals(Main.USAGE, etcd.exit());
        assertTrue(etcd.err().contains("--target etcd needs --endpoints"), etcd.err());

        Outcome distribution = bench(shardkv("run", "--distribution", "normal").toArray(String[]::new));
        assertEquals(Main.USAGE, distribution.exit());
        assertTrue(distribution.err().contains("--distribution wants uniform or zipfian"), distribution.err());
    }

    @Test
    void runsTheSameWorkloadAgainstEtcdAndComparesSideBySide() throws Exception {
        boolean installed = Files.isExecutable(Path.of("/usr/bin/etcd"));
        if ("1".equals(System.getenv("SHARDKV_REQUIRE_ETCD"))) {
            assertTrue(installed, "SHARDKV_REQUIRE_ETCD=1 but /usr/bin/etcd is missing (bench/etcd-cluster.sh install)");
        }
        assumeTrue(installed, "etcd is not installed (bench/etcd-cluster.sh install); skipping the etcd target");
        List<Integer> ports = FreePorts.take(2);
        String endpoint = "127.0.0.1:" + ports.get(0);
        Process etcd = new ProcessBuilder("/usr/bin/etcd", "--name", "smoke", "--data-dir", tmp.resolve("etcd").toString(),
                "--listen-client-urls", "http://" + endpoint, "--advertise-client-urls", "http://" + endpoint,
                "--listen-peer-urls", "http://127.0.0.1:" + ports.get(1),
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + ports.get(1),
                "--initial-cluster", "smoke=http://127.0.0.1:" + ports.get(1), "--logger", "zap", "--log-outputs", "stderr")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("etcd.log").toFile()).start();
        try {
            Outcome load = bench("load", "--target", "etcd", "--endpoints", endpoint, "--keys", "100", "--clients", "4",
                    "--op-timeout", "30s", "--json");
            assertEquals(0, load.exit(), load.err() + Files.readString(tmp.resolve("etcd.log")));
            assertEquals(100, number(load.out(), "ops"));
            try (Client c = Client.builder().endpoints("http://" + endpoint).build()) {
                GetResponse r = c.getKVClient().get(ByteSequence.from(new KeySpace(100).key(42))).get(10, TimeUnit.SECONDS);
                assertEquals(1, r.getKvs().size());
                assertEquals(256, r.getKvs().get(0).getValue().getBytes().length);
                assertArrayEquals(new KeySpace(100).key(42), r.getKvs().get(0).getKey().getBytes());
            }

            Outcome matrix = bench(shardkv("matrix", "--endpoints", endpoint, "--workloads", "write,ycsb-b", "--clients",
                    "2", "--reps", "1", "--keys", "100", "--warmup", "0", "--duration", "1s", "--out",
                    tmp.resolve("matrix").toString()).toArray(String[]::new));
            assertEquals(0, matrix.exit(), matrix.err());
            assertTrue(matrix.out().contains("medians; ratio = shardkv / etcd"), matrix.out());
            matrix.out().lines().filter(l -> l.contains(" clients | ")).distinct()
                    .forEach(l -> System.out.println("bench smoke: " + l.replaceAll("\\s+", " ")));
            assertEquals(3, Files.readAllLines(tmp.resolve("matrix/summary.csv")).size(), "header + two points");
            assertEquals(4, Files.readAllLines(tmp.resolve("matrix/runs.jsonl")).size(), "two points x two systems");
            assertTrue(Files.exists(tmp.resolve("matrix/ycsb-b-c2-etcd-r1.hgrm")));
        } finally {
            etcd.destroy();
            etcd.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
