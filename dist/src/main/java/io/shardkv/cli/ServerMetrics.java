package io.shardkv.cli;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import io.shardkv.group.ShardGroupView;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.node.NodeStatus;
import io.shardkv.raft.rsm.RsmStats;
import io.shardkv.raft.storage.StorageStats;
import io.shardkv.rpc.RpcErrors;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A server's metrics in the Prometheus text format on {@code http://HOST:PORT/metrics}: Raft
 * (term, role, indexes), storage (fsyncs and their time, entries and bytes written, snapshots),
 * proposals (count and time to outcome: rates give mean latency), snapshot size, for shard groups
 * the configuration reached, every held shard's state and size and the bytes migrated in, and the
 * JVM's. Sampled when
 * scraped; labelled with the process's role, group and replica id.
 */
final class ServerMetrics implements AutoCloseable {

    private final HTTPServer http;

    private ServerMetrics(HTTPServer http) {
        this.http = http;
    }

    /**
     * Where the figures come from, each read when scraped.
     *
     * @param shards   a shard group's view, or null for a controller
     * @param migrated bytes of shard data pulled in, or null for a controller
     */
    record Sources(Supplier<NodeStatus> status, Supplier<StorageStats> storage, Supplier<RsmStats> rsm,
                   RpcErrors rpc, Supplier<CompletableFuture<ShardGroupView>> shards, LongSupplier migrated) {
    }

    static ServerMetrics start(int port, String role, int gid, int id, Sources sources) throws IOException {
        Supplier<NodeStatus> status = sources.status();
        Supplier<StorageStats> storage = sources.storage();
        Supplier<RsmStats> rsm = sources.rsm();
        Supplier<CompletableFuture<ShardGroupView>> shards = sources.shards();
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        Labels process = Labels.of("process", role, "gid", Integer.toString(gid), "replica", Integer.toString(id));
        gauge(registry, process, "raft_term", "The replica's current Raft term.", () -> status.get().term());
        gauge(registry, process, "raft_commit_index", "Highest log index known committed.", () -> status.get().commitIndex());
        gauge(registry, process, "raft_applied_index", "Highest log index applied to the state machine.",
                () -> status.get().appliedIndex());
        gauge(registry, process, "raft_last_index", "Highest log index held.", () -> status.get().lastIndex());
        GaugeWithCallback.builder().name("raft_role").help("1 for the replica's current Raft role.")
                .constLabels(process).labelNames("role")
                .callback(cb -> {
                    Role now = status.get().role();
                    for (Role r : Role.values()) {
                        cb.call(r == now ? 1 : 0, r.name());
                    }
                }).register(registry);
        counter(registry, process, "raft_log_fsyncs", "fsyncs of the write-ahead log.", () -> storage.get().logSyncs());
        counter(registry, process, "raft_log_fsync_seconds", "Time spent in those fsyncs.",
                () -> storage.get().logSyncNanos() / 1e9);
        counter(registry, process, "raft_log_entries_written", "Log entries written.", () -> storage.get().entriesWritten());
        counter(registry, process, "raft_log_bytes_written", "Log bytes written.", () -> storage.get().bytesWritten());
        counter(registry, process, "raft_snapshots_saved", "Snapshots written to disk.", () -> storage.get().snapshotsSaved());
        counter(registry, process, "rpc_failed_requests", "Requests whose handling failed (answered with an error).",
                () -> sources.rpc().failedRequests());
        counter(registry, process, "rpc_protocol_errors", "Connections closed for breaking the protocol.",
                () -> sources.rpc().protocolErrors());
        counter(registry, process, "rsm_commits", "This replica's proposals applied with an outcome.",
                () -> rsm.get().commits());
        counter(registry, process, "rsm_commit_seconds", "Their time from proposal to outcome, in all.",
                () -> rsm.get().commitNanos() / 1e9);
        counter(registry, process, "rsm_snapshots", "Snapshots this replica took.", () -> rsm.get().snapshots());
        gauge(registry, process, "rsm_last_snapshot_bytes", "Size of the latest snapshot taken.",
                () -> rsm.get().lastSnapshotBytes());
        if (sources.migrated() != null) {
            counter(registry, process, "shardkv_migrated_bytes", "Shard data (keys and values) pulled in while leading.",
                    () -> sources.migrated().getAsLong());
        }
        if (shards != null) {
            gauge(registry, process, "shardkv_config_num", "The configuration this replica has applied.",
                    () -> view(shards).configNum());
            GaugeWithCallback.builder().name("shardkv_shard_keys").help("Keys of every shard this replica holds, by state.")
                    .constLabels(process).labelNames("shard", "state")
                    .callback(cb -> {
                        ShardGroupView v = view(shards);
                        for (Map.Entry<Integer, Integer> e : v.keys().entrySet()) {
                            cb.call(e.getValue(), Integer.toString(e.getKey()), v.shards().get(e.getKey()).name());
                        }
                    }).register(registry);
        }
        return new ServerMetrics(HTTPServer.builder().port(port).registry(registry).buildAndStart());
    }

    private static ShardGroupView view(Supplier<CompletableFuture<ShardGroupView>> shards) {
        try {
            return shards.get().get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("shard view unavailable: " + e, e);
        }
    }

    private static void gauge(PrometheusRegistry registry, Labels labels, String name, String help, Supplier<Number> value) {
        GaugeWithCallback.builder().name(name).help(help).constLabels(labels)
                .callback(cb -> cb.call(value.get().doubleValue())).register(registry);
    }

    private static void counter(PrometheusRegistry registry, Labels labels, String name, String help,
                                Supplier<Number> value) {
        CounterWithCallback.builder().name(name).help(help).constLabels(labels)
                .callback(cb -> cb.call(value.get().doubleValue())).register(registry);
    }

    int port() {
        return http.getPort();
    }

    @Override
    public void close() {
        http.close();
    }
}
