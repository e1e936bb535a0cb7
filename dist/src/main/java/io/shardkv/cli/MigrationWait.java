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

    MigrationWait(String clusterId, Duration askTimeout) {
        this.transport = Transport.create(TransportConfig.builder(clusterId).build(),
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
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        TreeSet<Integer> remaining = new TreeSet<>(moved);
        long lastPrinted = 0;
        int lastCount = -1;
        long bytes = 0;
        while (true) {
            bytes = 0;
            for (Map.Entry<Integer, List<String>> g : target.groups().entrySet()) {
                List<Integer> ours = remaining.stream().filter(s -> target.groupOf(s) == g.getKey()).toList();
                for (Map.Entry<String, ShardStatusReport> r : ask(g.getValue()).entrySet()) {
                    ShardStatusReport report = r.getValue();
                    migratedAtStart.putIfAbsent(r.getKey(), report.migratedBytes());
                    bytes += Math.max(0, report.migratedBytes() - migratedAtStart.get(r.getKey()));
                    if (report.configNum() >= target.num()) {
                        ours.stream().filter(s -> "SERVING".equals(report.states().get(s))).forEach(remaining::remove);
                    }
                }
            }
            long elapsed = System.nanoTime() - start;
            if (remaining.isEmpty()) {
                out.println("every moved shard (" + moved.size() + ") is served by its new owner at configuration "
                        + target.num() + "; " + MemberCommand.bytes(bytes) + " pulled in " + seconds(elapsed));
                out.flush();
                return;
            }
            if (remaining.size() != lastCount || elapsed - lastPrinted >= TimeUnit.MILLISECONDS.toNanos(PROGRESS_MILLIS)) {
                out.println("waiting: " + remaining.size() + " of " + moved.size() + " moved shards not yet served by"
                        + " their new owners, " + MemberCommand.bytes(bytes) + " pulled, " + seconds(elapsed));
                out.flush();
                lastCount = remaining.size();
                lastPrinted = elapsed;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("shards " + StatusCommand.ranges(List.copyOf(remaining))
                        + " were not served by their new owners within " + limit.toSeconds() + " s (admin status shows"
                        + " where they stand); the configuration change itself is done");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Every replica's shard report that came within the ask timeout, by address. */
    private Map<String, ShardStatusReport> ask(List<String> servers) {
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
        Map<String, ShardStatusReport> out = new HashMap<>();
        asked.forEach((server, f) -> {
            if (f.join() instanceof ShardStatusReport r) {
                out.put(server, r);
            }
        });
        return out;
    }

    private static String seconds(long nanos) {
        return String.format("%.1f s", nanos / 1e9);
    }

    @Override
    public void close() {
        connections.values().forEach(PeerConnection::close);
        transport.close();
    }
}
