package io.shardkv.cli;

import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.PeerConnection;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.kv.KvWireTypes;
import io.shardkv.rpc.migration.MigrationWireTypes;
import io.shardkv.rpc.migration.ShardStatusReport;
import io.shardkv.rpc.migration.ShardStatusRequest;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Waits after a join, leave or move until every shard it moved is served by its new owner: the
 * owner's replicas report the shard {@code SERVING} at the new configuration or a later one (a
 * replica applies only what is committed, so one replica saying so is enough). Prints a progress
 * line while it waits — shards remaining, bytes the new owners pulled, time elapsed.
 */
final class MigrationWait implements AutoCloseable {

    /** Between rounds of questions: a shard moves in tens of milliseconds to seconds. */
    private static final long POLL_MILLIS = 250;
    /** A progress line at most this often, and whenever the count changes. */
    private static final long PROGRESS_MILLIS = 2_000;

    private final Transport transport;
    private final Duration askTimeout;
    private final Map<String, Long> migratedAtStart = new HashMap<>();
    private final Map<String, PeerConnection> connections = new HashMap<>();

    MigrationWait(TransportConfig settings, Duration askTimeout) {
        this.transport = Transport.create(settings,
                Codec.builder().install(new KvWireTypes()).install(new MigrationWireTypes()).build());
        this.askTimeout = askTimeout;
    }

    /** Shards whose owner differs between {@code before} and {@code after}, and that have an owner after. */
    static List<Integer> moved(Config before, Config after) {
        List<Integer> out = new ArrayList<>();
        for (int s = 0; s < after.numShards(); s++) {
            if (after.groupOf(s) != Config.NO_GROUP && (before == null || before.groupOf(s) != after.groupOf(s))) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Returns once every shard in {@code moved} is served by its owner in {@code target}; throws
     * naming the shards still moving if that takes longer than {@code limit}.
     */
    void await(Config target, List<Integer> moved, Duration limit, PrintWriter out) throws InterruptedException {
        Progress progress = new Progress(target, moved, limit, out);
        progress.round();
        try {
            progress.done.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** One wait: rounds of questions, each started a poll interval after the answers to the last. */
    private final class Progress {
        private final Config target;
        private final int movedCount;
        private final Duration limit;
        private final PrintWriter out;
        private final TreeSet<Integer> remaining;
        private final long start = System.nanoTime();
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private long lastPrinted;
        private int lastCount = -1;

        Progress(Config target, List<Integer> moved, Duration limit, PrintWriter out) {
            this.target = target;
            this.movedCount = moved.size();
            this.limit = limit;
            this.out = out;
            this.remaining = new TreeSet<>(moved);
        }

        void round() {
            List<CompletableFuture<Long>> groups = new ArrayList<>();
            for (Map.Entry<Integer, List<String>> g : target.groups().entrySet()) {
                groups.add(ask(g.getValue()).thenApply(reports -> settle(g.getKey(), reports)));
            }
            CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new))
                    .thenRun(() -> judge(groups.stream().mapToLong(CompletableFuture::join).sum()))
                    .exceptionally(e -> {
                        done.completeExceptionally(e);
                        return null;
                    });
        }

        /** Drops the shards a group's replicas report served; returns the bytes they pulled since the wait began. */
        private synchronized long settle(int gid, Map<String, ShardStatusReport> reports) {
            long bytes = 0;
            for (Map.Entry<String, ShardStatusReport> r : reports.entrySet()) {
                ShardStatusReport report = r.getValue();
                migratedAtStart.putIfAbsent(r.getKey(), report.migratedBytes());
                bytes += Math.max(0, report.migratedBytes() - migratedAtStart.get(r.getKey()));
                if (report.configNum() >= target.num()) {
                    remaining.removeIf(s -> target.groupOf(s) == gid && "SERVING".equals(report.states().get(s)));
                }
            }
            return bytes;
        }

        private synchronized void judge(long bytes) {
            long elapsed = System.nanoTime() - start;
            if (remaining.isEmpty()) {
                out.println("every moved shard (" + movedCount + ") is served by its new owner at configuration "
                        + target.num() + "; " + MemberCommand.bytes(bytes) + " pulled in " + seconds(elapsed));
                out.flush();
                done.complete(null);
                return;
            }
            if (remaining.size() != lastCount || elapsed - lastPrinted >= TimeUnit.MILLISECONDS.toNanos(PROGRESS_MILLIS)) {
                out.println("waiting: " + remaining.size() + " of " + movedCount + " moved shards not yet served by"
                        + " their new owners, " + MemberCommand.bytes(bytes) + " pulled, " + seconds(elapsed));
                out.flush();
                lastCount = remaining.size();
                lastPrinted = elapsed;
            }
            if (elapsed > limit.toNanos()) {
                done.completeExceptionally(new IllegalStateException("shards " + StatusCommand.ranges(List.copyOf(remaining))
                        + " were not served by their new owners within " + limit.toSeconds() + " s (admin status shows"
                        + " where they stand); the configuration change itself is done"));
                return;
            }
            CompletableFuture.delayedExecutor(POLL_MILLIS, TimeUnit.MILLISECONDS).execute(this::round);
        }
    }

    /** Every replica's shard report that comes within the ask timeout, by address. */
    private synchronized CompletableFuture<Map<String, ShardStatusReport>> ask(List<String> servers) {
        Map<String, CompletableFuture<Object>> asked = new HashMap<>();
        for (String server : servers) {
            PeerConnection c = connections.get(server);
            if (c == null) {
                InetSocketAddress a;
                try {
                    a = HostPort.parse(server);
                } catch (IllegalArgumentException e) {
                    continue;
                }
                c = transport.connect(a);
                connections.put(server, c);
            }
            asked.put(server, c.request(new ShardStatusRequest(), askTimeout).exceptionally(e -> null));
        }
        return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<String, ShardStatusReport> out = new HashMap<>();
            asked.forEach((server, f) -> {
                if (f.join() instanceof ShardStatusReport r) {
                    out.put(server, r);
                }
            });
            return out;
        });
    }

    static String seconds(long nanos) {
        return String.format("%.1f s", nanos / 1e9);
    }

    @Override
    public void close() {
        connections.values().forEach(PeerConnection::close);
        transport.close();
    }
}
