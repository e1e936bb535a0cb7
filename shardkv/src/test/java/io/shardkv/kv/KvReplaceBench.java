package io.shardkv.kv;

import io.shardkv.linearizability.History;
import io.shardkv.raft.core.confchange.ConfChange;
import io.shardkv.raft.server.ReplicaServer;
import io.shardkv.rpc.HostPort;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A measurement, not a test: three replicas in this JVM on 127.0.0.1 with fsync load about
 * {@code -Dbench.mb} MB (default 100) of 4 KiB values; then one follower's disk is destroyed and a
 * new replica on an empty disk replaces it (learner, catch-up, promote, remove). One client
 * writes 256-byte values throughout; prints the replacement's timings and that client's put
 * latency (p50/p99) while idle and during the change.
 *
 * <pre>mvn -q -pl shardkv test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.shardkv.kv.KvReplaceBench</pre>
 */
public final class KvReplaceBench {

    private static final int VALUE_BYTES = 4096;
    private static final int LOADERS = 4;
    private static final int IDLE_PUTS = 2000;

    private KvReplaceBench() {
    }

    public static void main(String[] args) throws Exception {
        long megabytes = Long.getLong("bench.mb", 100);
        Path dir = Files.createTempDirectory("kv-replace");
        try (KvServerCluster cluster = new KvServerCluster(3, dir, 64L << 20, 1)) {
            cluster.startAll();
            long loadStart = System.nanoTime();
            load(cluster, megabytes << 20);
            System.out.printf("loaded %d MB in %.1f s%n", megabytes, (System.nanoTime() - loadStart) / 1e9);

            KvClerk writer = cluster.clerk(new History());
            String small = "w".repeat(256);
            long[] idle = new long[IDLE_PUTS];
            for (int i = 0; i < IDLE_PUTS; i++) {
                long t0 = System.nanoTime();
                writer.put("probe-" + (i % 100), small);
                idle[i] = System.nanoTime() - t0;
            }

            int leader = cluster.awaitLeader();
            int dead = leader % 3 + 1;
            cluster.destroy(dead);
            List<Long> during = new ArrayList<>();
            AtomicBoolean changing = new AtomicBoolean(true);
            ExecutorService probe = Executors.newSingleThreadExecutor();
            Future<?> probing = probe.submit(() -> {
                for (int i = 0; changing.get(); i++) {
                    long t0 = System.nanoTime();
                    writer.put("probe-" + (i % 100), small);
                    during.add(System.nanoTime() - t0);
                }
                return null;
            });
            long start = System.nanoTime();
            InetSocketAddress fresh = cluster.startJoining(4);
            ReplicaServer lead = cluster.server(leader);
            lead.node().proposeConfChange(ConfChange.of(
                    new ConfChange.Op(ConfChange.Type.ADD_LEARNER, 4, HostPort.format(fresh)))).get(60, TimeUnit.SECONDS);
            long target = lead.status().commitIndex();
            while (cluster.server(4).status().appliedIndex() < target) {
                Thread.sleep(5);
            }
            long caughtUp = System.nanoTime();
            lead.node().proposeConfChange(ConfChange.addVoter(4)).get(60, TimeUnit.SECONDS);
            lead.node().proposeConfChange(ConfChange.remove(dead)).get(60, TimeUnit.SECONDS);
            long done = System.nanoTime();
            changing.set(false);
            probing.get();
            probe.shutdown();

            System.out.printf("replace: learner caught up in %.2f s, promoted and old removed %.3f s later, %.2f s in all%n",
                    (caughtUp - start) / 1e9, (done - caughtUp) / 1e9, (done - start) / 1e9);
            report("puts idle", idle);
            report("puts during the change", during.stream().mapToLong(Long::longValue).toArray());
        }
        System.exit(0);
    }

    /** Puts 4 KiB values from {@value #LOADERS} clients until {@code bytes} of values are stored. */
    private static void load(KvServerCluster cluster, long bytes) throws Exception {
        long keys = bytes / VALUE_BYTES;
        String value = "x".repeat(VALUE_BYTES);
        ExecutorService pool = Executors.newFixedThreadPool(LOADERS);
        List<Future<?>> loaders = new ArrayList<>();
        for (int l = 0; l < LOADERS; l++) {
            int loader = l;
            KvClerk ck = cluster.clerk(new History());
            loaders.add(pool.submit(() -> {
                for (long k = loader; k < keys; k += LOADERS) {
                    ck.put("load-" + k, value);
                }
                return null;
            }));
        }
        for (Future<?> f : loaders) {
            f.get();
        }
        pool.shutdown();
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%s: n=%d p50=%.3f ms p99=%.3f ms max=%.3f ms%n", what, sorted.length,
                sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6,
                sorted[sorted.length - 1] / 1e6);
    }
}
