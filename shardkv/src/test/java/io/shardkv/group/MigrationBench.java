package io.shardkv.group;

import io.shardkv.group.engine.EngineSettings;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.Shards;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A measurement, not a test: how long one shard holding {@code -Dbench.mb} MiB (default 100)
 * takes to move between two groups of 3 real replicas (this JVM, 127.0.0.1, fsync on), and what
 * latency requests to shards that do not move see meanwhile, against the same requests while
 * idle. Each round moves the shard with {@code move} and times two moments: the new owner serving
 * it (installed through its log) and every replica settled (the old owner has deleted its copy).
 *
 * <pre>mvn -q -pl shardkv test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.shardkv.group.MigrationBench [-Dbench.mb=100] [-Dbench.rounds=3] \
 *     [-Dbench.snapshotMb=64] [-Dbench.engine=memory|rocksdb] [-Dbench.rateMb=32 (0: unlimited)]</pre>
 */
public final class MigrationBench {

    private static final int NSHARDS = 10;
    private static final int VALUE_BYTES = 64 << 10;
    private static final Duration LIMIT = Duration.ofMinutes(2);

    private MigrationBench() {
    }

    public static void main(String[] args) throws Exception {
        int mb = Integer.getInteger("bench.mb", 100);
        int rounds = Integer.getInteger("bench.rounds", 3);
        long snapshotBytes = Long.getLong("bench.snapshotMb", 64) << 20;
        EngineSettings engine = System.getProperty("bench.engine", "memory").equals("rocksdb") ? EngineSettings.ROCKSDB
                : EngineSettings.MEMORY;
        System.out.printf("engine %s%n", engine.kind());
        Path dir = Files.createTempDirectory("migration-bench");
        MigrationDriver.Options driver = MigrationDriver.Options.DEFAULTS.withRate(Long.getLong("bench.rateMb",
                MigrationDriver.Options.DEFAULT_RATE_BYTES_PER_SECOND >> 20) << 20);
        System.out.printf("migration rate %s%n", driver.rateBytesPerSecond() == 0 ? "unlimited"
                : (driver.rateBytesPerSecond() >> 20) + " MiB/s");
        try (ShardServerCluster c = new ShardServerCluster(dir, NSHARDS, snapshotBytes, driver, 7, cluster -> { },
                engine)) {
            Config config = c.join(0, 1);
            c.awaitSettled(config.num(), LIMIT);
            int gid0 = ShardServerCluster.GIDS[0];
            int big = config.shardsOf(gid0).get(0);
            String sourceKey = keyIn(config.shardsOf(gid0).get(1), "probe-");
            String destinationKey = keyIn(config.shardsOf(ShardServerCluster.GIDS[1]).get(0), "probe-");
            long loadStart = System.nanoTime();
            load(c, big, mb * (1 << 20) / VALUE_BYTES);
            System.out.printf("loaded %d MiB into shard %d in %.1f s%n", mb, big, (System.nanoTime() - loadStart) / 1e9);

            List<Double> served = new ArrayList<>();
            List<Double> settled = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                int to = round % 2 == 0 ? 1 : 0;
                Probe idle = Probe.start(c, sourceKey, destinationKey);
                Thread.sleep(10_000);
                idle.stop();

                Probe busy = Probe.start(c, sourceKey, destinationKey);
                long t0 = System.nanoTime();
                Config moved = c.move(big, to);
                awaitServedBy(c, to, big);
                double servedSeconds = (System.nanoTime() - t0) / 1e9;
                c.awaitSettled(moved.num(), LIMIT);
                double settledSeconds = (System.nanoTime() - t0) / 1e9;
                busy.stop();
                served.add(servedSeconds);
                settled.add(settledSeconds);
                System.out.printf("round %d: shard %d (%d MiB) to group %d: served after %.2f s, old copy deleted"
                                + " after %.2f s%n", round + 1, big, mb, ShardServerCluster.GIDS[to], servedSeconds,
                        settledSeconds);
                System.out.printf("  unaffected shards of the source, idle:           %s%n", describe(idle.nanos(0)));
                System.out.printf("  unaffected shards of the source, migrating:      %s%n", describe(busy.nanos(0)));
                System.out.printf("  unaffected shards of the destination, idle:      %s%n", describe(idle.nanos(1)));
                System.out.printf("  unaffected shards of the destination, migrating: %s%n", describe(busy.nanos(1)));
            }
            System.out.printf("median over %d rounds: served after %.2f s, settled after %.2f s%n", rounds,
                    median(served), median(settled));
        }
        System.exit(0);
    }

    private static String keyIn(int shard, String prefix) {
        for (int n = 0; ; n++) {
            String k = prefix + n;
            if (Shards.shardOf(k.getBytes(StandardCharsets.UTF_8), NSHARDS) == shard) {
                return k;
            }
        }
    }

    private static void load(ShardServerCluster c, int shard, int values) throws Exception {
        List<String> keys = new ArrayList<>();
        for (int n = 0; keys.size() < values; n++) {
            String k = "big-" + n;
            if (Shards.shardOf(k.getBytes(StandardCharsets.UTF_8), NSHARDS) == shard) {
                keys.add(k);
            }
        }
        String value = "x".repeat(VALUE_BYTES);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> loaders = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int first = t;
                loaders.add(pool.submit(() -> {
                    try (NetShardClerk ck = c.clerk()) {
                        for (int i = first; i < keys.size(); i += 8) {
                            ck.put(keys.get(i), value, LIMIT);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : loaders) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitServedBy(ShardServerCluster c, int gi, int shard) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (int id = 1; id <= ShardServerCluster.REPLICAS; id++) {
                ShardState s = c.server(gi, id).view().get(5, TimeUnit.SECONDS).shards().get(shard);
                if (s == ShardState.SERVING) {
                    return;
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("shard " + shard + " not served by group " + ShardServerCluster.GIDS[gi]);
    }

    private static String describe(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        if (sorted.length == 0) {
            return "no requests";
        }
        return String.format("n=%d p50=%.3f ms p99=%.3f ms max=%.3f ms", sorted.length, sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.99)] / 1e6, sorted[sorted.length - 1] / 1e6);
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = new ArrayList<>(xs);
        sorted.sort(Double::compare);
        return sorted.get(sorted.size() / 2);
    }

    /** One client alternating between a key in another shard of the source and one of the destination; puts and gets. */
    private static final class Probe {
        private final AtomicBoolean stop = new AtomicBoolean();
        /** Latencies of requests to the source's shard [0] and to the destination's [1]. */
        private final List<List<Long>> nanos = List.of(new ArrayList<>(), new ArrayList<>());
        private Thread thread;

        static Probe start(ShardServerCluster c, String sourceKey, String destinationKey) {
            Probe p = new Probe();
            p.thread = new Thread(() -> p.run(c, sourceKey, destinationKey), "probe");
            p.thread.start();
            return p;
        }

        private void run(ShardServerCluster c, String sourceKey, String destinationKey) {
            String value = "v".repeat(256);
            try (NetShardClerk ck = c.clerk()) {
                for (int i = 0; !stop.get() && i < 1_000_000; i++) {
                    String key = i % 2 == 0 ? sourceKey : destinationKey;
                    long t0 = System.nanoTime();
                    if (i % 4 < 2) {
                        ck.put(key, value, LIMIT);
                    } else {
                        ck.get(key, LIMIT);
                    }
                    long elapsed = System.nanoTime() - t0;
                    synchronized (nanos) {
                        nanos.get(i % 2).add(elapsed);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException("probe failed", e);
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join();
        }

        long[] nanos(int which) {
            synchronized (nanos) {
                return nanos.get(which).stream().mapToLong(Long::longValue).toArray();
            }
        }
    }
}
