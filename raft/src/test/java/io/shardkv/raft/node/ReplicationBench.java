package io.shardkv.raft.node;

import io.shardkv.raft.storage.FsyncPolicy;
import io.shardkv.raft.storage.StorageStats;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A measurement, not a test: a 3-node group on 127.0.0.1 with fsync on, driven by C closed-loop
 * clients (each proposes 256 bytes and waits until the entry is applied on the leader), for
 * C = 1, 16, 64. Prints throughput, latency percentiles, and the leader's fsync batches per second
 * and entries per fsync.
 *
 * <pre>mvn -q -pl raft test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.shardkv.raft.node.ReplicationBench [-Dexec.args="1 16 64"]</pre>
 */
public final class ReplicationBench {

    private static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MEASURE_NANOS = TimeUnit.SECONDS.toNanos(3);

    private ReplicationBench() {
    }

    public static void main(String[] args) throws Exception {
        int[] concurrency = args.length == 0 ? new int[] {1, 16, 64} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.println("clients  ops/s  p50_ms  p99_ms  fsyncs/s  entries/fsync");
        for (int c : concurrency) {
            Path dir = Files.createTempDirectory("replication-bench");
            try (NodeCluster cluster = new NodeCluster(3, dir, new SocketTransports(), FsyncPolicy.ALWAYS)) {
                cluster.startAll();
                run(cluster, c);
            }
        }
        System.exit(0);
    }

    private static void run(NodeCluster cluster, int clients) throws Exception {
        int leader = cluster.awaitLeader();
        RaftNode node = cluster.node(leader);
        CommitTracker tracker = cluster.tracker(leader);
        long start = System.nanoTime();
        long measureFrom = start + WARMUP_NANOS;
        long end = measureFrom + MEASURE_NANOS;
        StorageStats[] atStart = new StorageStats[1];
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<long[]>> results = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            results.add(pool.submit(() -> {
                long[] latencies = new long[1 << 20];
                int n = 0;
                byte[] value = new byte[256];
                while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                        break;
                    }
                    if (t0 >= measureFrom && atStart[0] == null) {
                        synchronized (atStart) {
                            if (atStart[0] == null) {
                                atStart[0] = node.storageStats();
                            }
                        }
                    }
                    ByteBuffer.wrap(value).putLong(t0);
                    CommitTracker.Outcome outcome = node.propose(value.clone())
                            .thenCompose(tracker::await).get(10, TimeUnit.SECONDS);
                    long t1 = System.nanoTime();
                    if (outcome == CommitTracker.Outcome.COMMITTED && t0 >= measureFrom && n < latencies.length) {
                        latencies[n++] = t1 - t0;
                    }
                }
                return Arrays.copyOf(latencies, n);
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<long[]> f : results) {
            for (long l : f.get()) {
                all.add(l);
            }
        }
        pool.shutdown();
        StorageStats atEnd = node.storageStats();
        all.sort(null);
        double seconds = MEASURE_NANOS / 1e9;
        long syncs = atEnd.logSyncs() - atStart[0].logSyncs();
        long entries = atEnd.entriesWritten() - atStart[0].entriesWritten();
        System.out.printf("%7d %6.0f %7.2f %7.2f %9.0f %14.1f%n", clients, all.size() / seconds,
                percentile(all, 0.50) / 1e6, percentile(all, 0.99) / 1e6, syncs / seconds,
                (double) entries / Math.max(1, syncs));
    }

    private static double percentile(List<Long> sorted, double q) {
        return sorted.isEmpty() ? Double.NaN : sorted.get((int) Math.min(sorted.size() - 1, q * sorted.size()));
    }
}
