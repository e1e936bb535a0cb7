package io.shardkv.kv;

import io.shardkv.linearizability.History;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A measurement, not a test: one client, three replicas in this JVM on 127.0.0.1 with fsync,
 * sequential 256-byte puts then sequential (linearizable, ReadIndex) gets. Prints median, p99
 * and mean latency of each.
 *
 * <pre>mvn -q -pl shardkv test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.shardkv.kv.KvLatencyBench</pre>
 */
public final class KvLatencyBench {

    private static final int WARMUP = 500;
    private static final int OPS = 3000;

    private KvLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("kv-latency");
        try (KvServerCluster cluster = new KvServerCluster(3, dir, 64L << 20, 1)) {
            cluster.startAll();
            KvClerk ck = cluster.clerk(new History());
            String value = "v".repeat(256);
            for (int i = 0; i < WARMUP; i++) {
                ck.put("warm-" + (i % 100), value);
                ck.get("warm-" + (i % 100));
            }
            long[] puts = new long[OPS];
            for (int i = 0; i < OPS; i++) {
                long t0 = System.nanoTime();
                ck.put("key-" + (i % 1000), value);
                puts[i] = System.nanoTime() - t0;
            }
            long[] gets = new long[OPS];
            for (int i = 0; i < OPS; i++) {
                long t0 = System.nanoTime();
                ck.get("key-" + (i % 1000));
                gets[i] = System.nanoTime() - t0;
            }
            report("put", puts);
            report("get", gets);
        }
        System.exit(0);
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0);
        System.out.printf("%s: n=%d p50=%.3f ms p99=%.3f ms mean=%.3f ms%n", what, sorted.length,
                sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6, mean / 1e6);
    }
}
