package io.shardkv.cli;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.shardkv.group.ShardGroupServer;
import io.shardkv.group.ShardGroupView;
import io.shardkv.group.engine.RocksDbEngine;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.node.NodeStatus;
import io.shardkv.raft.node.RaftNode;
import io.shardkv.raft.rsm.RsmStats;
import io.shardkv.raft.server.ReplicaServer;
import io.shardkv.raft.storage.StorageStats;
import io.shardkv.raft.transport.PeerTraffic;
import io.shardkv.redis.RedisServer;
import io.shardkv.rpc.ConnectionLimits.Limit;
import io.shardkv.rpc.LatencyHistogram;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A server's metrics, every one named {@code shardkv_} (and the JVM's under their standard
 * {@code jvm_} names): Raft state, latency histograms of the WAL fsync, commit, apply, snapshots,
 * client requests and peer round trips, the traffic to each peer, and for shard groups the shards
 * held. Sampled when scraped, without waiting on the node's thread: what only that thread can read
 * (the shard view) is served from the last answer when it is slow, and counted stale; and for a
 * replica with a Redis port, its commands and connections. The reference
 * with example alerts is in docs/operations.md.
 */
final class ServerMetrics {

    /** How long a scrape waits for the node's thread to describe the shards before serving the last view. */
    static final Duration VIEW_WAIT = Duration.ofMillis(250);

    private ServerMetrics() {
    }

    /**
     * The registry of one replica: {@code group} is its shard group, or null for a controller.
     * {@code role} is {@code server} or {@code ctrler}; {@code gid} 0 for a controller.
     */
    static PrometheusRegistry registry(String role, int gid, ReplicaServer replica, ShardGroupServer group) {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        Labels process = Labels.of("process", role, "gid", Integer.toString(gid), "replica",
                Integer.toString(replica.node().id()));
        raft(registry, process, replica);
        storage(registry, process, replica.node());
        requests(registry, process, replica);
        peers(registry, process, replica);
        GaugeWithCallback.builder().name("shardkv_build_info").help("1, labelled with the build's version.")
                .constLabels(process).labelNames("version", "java")
                .callback(cb -> cb.call(1, BuildInfo.version(), Runtime.version().toString())).register(registry);
        if (group != null) {
            counter(registry, process, "shardkv_migrated_bytes", "Shard data (keys and values) pulled in while leading.",
                    group::migratedBytes);
            registry.register(new ShardCollector(process, new LastKnown<>(group::view, VIEW_WAIT)));
            if (group.redis() != null) {
                redis(registry, process, group.redis());
            }
            if (group.engine() instanceof RocksDbEngine rocks) {
                engine(registry, process, rocks);
            }
        }
        return registry;
    }

    private static void redis(PrometheusRegistry registry, Labels labels, RedisServer redis) {
        registry.register(PrometheusHistograms.of("shardkv_redis_command_duration_seconds",
                "Redis commands from arrival to their reply, by command and reply (ok, or an error's first word:"
                        + " MOVED, TRYAGAIN, CLUSTERDOWN, CROSSSLOT, NOPERM, ERR, ...).", labels, redis.stats().commands()));
        gauge(registry, labels, "shardkv_redis_connections", "Redis clients connected now.", redis::connectionCount);
        gauge(registry, labels, "shardkv_redis_incomplete_command_bytes", "Bytes the Redis connections hold for"
                + " commands not yet fully received (bounded by --redis-max-incomplete-bytes).", redis::incompleteBytes);
        counter(registry, labels, "shardkv_redis_refused_connections", "Redis clients refused at"
                + " --redis-max-connections.", () -> redis.stats().refusedConnections());
        counter(registry, labels, "shardkv_redis_protocol_errors", "Redis connections closed for input that is not"
                + " RESP, or past a limit (argument counts, sizes, the incomplete-command budget).",
                () -> redis.stats().protocolErrors());
    }

    private static void engine(PrometheusRegistry registry, Labels labels, RocksDbEngine engine) {
        gauge(registry, labels, "shardkv_engine_table_bytes", "Bytes of the RocksDB engine's table files on disk.",
                engine::tableBytes);
        gauge(registry, labels, "shardkv_engine_memtable_bytes", "Bytes of the RocksDB engine's memtables (at most"
                + " twice --engine-write-buffer).", engine::memtableBytes);
        gauge(registry, labels, "shardkv_engine_block_cache_bytes", "Bytes the RocksDB engine's block cache holds"
                + " (at most --engine-block-cache).", engine::blockCacheBytes);
    }

    private static void raft(PrometheusRegistry registry, Labels labels, ReplicaServer replica) {
        RaftNode node = replica.node();
        Supplier<NodeStatus> status = node::status;
        gauge(registry, labels, "shardkv_raft_term", "The replica's current Raft term.", () -> status.get().term());
        gauge(registry, labels, "shardkv_raft_commit_index", "Highest log index known committed.",
                () -> status.get().commitIndex());
        gauge(registry, labels, "shardkv_raft_applied_index", "Highest log index applied to the state machine.",
                () -> status.get().appliedIndex());
        gauge(registry, labels, "shardkv_raft_last_index", "Highest log index held.", () -> status.get().lastIndex());
        gauge(registry, labels, "shardkv_raft_has_leader", "1 if this replica knows a leader of its current term.",
                () -> status.get().leader() != 0 ? 1 : 0);
        counter(registry, labels, "shardkv_raft_leader_changes_seen", "Times this replica saw a new leader.",
                node::leaderChanges);
        GaugeWithCallback.builder().name("shardkv_raft_role").help("1 for the replica's current Raft role.")
                .constLabels(labels).labelNames("role")
                .callback(cb -> {
                    Role now = status.get().role();
                    for (Role r : Role.values()) {
                        cb.call(r == now ? 1 : 0, r.name());
                    }
                }).register(registry);
        gauge(registry, labels, "shardkv_raft_voters", "Voters in the configuration this replica acts under (both sides of a joint one).",
                () -> node.membership().config().voters().ids().size());
        gauge(registry, labels, "shardkv_raft_learners", "Learners in the configuration this replica acts under.",
                () -> node.membership().config().learners().size());
        gauge(registry, labels, "shardkv_raft_removed", "1 if a committed configuration removed this replica.",
                () -> replica.isRemoved() ? 1 : 0);
        gauge(registry, labels, "shardkv_raft_node_loop_stall_seconds",
                "Time since the node thread last went round its loop (about a tick at most when healthy).",
                () -> node.nanosSinceLoop() / 1e9);
        counter(registry, labels, "shardkv_raft_inbox_dropped_messages", "Peer messages dropped because the node's"
                + " inbox was full.", node::droppedMessages);
        Supplier<RsmStats> rsm = replica::rsmStats;
        gauge(registry, labels, "shardkv_raft_proposals_pending", "This replica's proposals awaiting their outcome.",
                () -> rsm.get().pendingProposals());
        counter(registry, labels, "shardkv_raft_proposals_committed", "This replica's proposals applied with an outcome.",
                () -> rsm.get().commits());
        counter(registry, labels, "shardkv_raft_proposals_failed", "This replica's proposals that ended unapplied"
                + " (leadership lost, the node stopped, refused).", () -> rsm.get().failedProposals());
        gauge(registry, labels, "shardkv_snapshot_last_bytes", "Size of the latest snapshot this replica took.",
                () -> rsm.get().lastSnapshotBytes());
        histogram(registry, labels, "shardkv_raft_commit_duration_seconds",
                "On the leader: a proposal appended to its log until it is known committed.", () -> node.latencies().commit());
        histogram(registry, labels, "shardkv_raft_apply_duration_seconds", "One log entry applied to the state machine.",
                () -> node.latencies().apply());
    }

    private static void storage(PrometheusRegistry registry, Labels labels, RaftNode node) {
        Supplier<StorageStats> storage = node::storageStats;
        histogram(registry, labels, "shardkv_wal_fsync_duration_seconds",
                "The write-ahead log's fsyncs, one per persisted batch.", node::fsyncLatency);
        counter(registry, labels, "shardkv_wal_entries_written", "Log entries written.",
                () -> storage.get().entriesWritten());
        counter(registry, labels, "shardkv_wal_written_bytes", "Log bytes written.", () -> storage.get().bytesWritten());
        counter(registry, labels, "shardkv_snapshots_saved", "Snapshots made durable (taken here or received).",
                () -> storage.get().snapshotsSaved());
        histogram(registry, labels, "shardkv_snapshot_save_duration_seconds",
                "A snapshot this replica took, written to disk (fsync included).", node::snapshotSaveLatency);
        histogram(registry, labels, "shardkv_snapshot_send_duration_seconds",
                "A snapshot streamed to a follower, first chunk to last.", () -> node.latencies().snapshotSend());
        gauge(registry, labels, "shardkv_disk_bytes", "Bytes of the replica's data directory (log, snapshots).",
                node::diskBytes);
    }

    private static void requests(PrometheusRegistry registry, Labels labels, ReplicaServer replica) {
        registry.register(PrometheusHistograms.of("shardkv_request_duration_seconds",
                "Client and service requests from arrival to answer, by operation and the answer's status.", labels,
                replica.requestLatency()));
        counter(registry, labels, "shardkv_rpc_received_bytes", "Bytes received on the replica's port (peers and"
                + " clients).", () -> replica.rpcCounters().receivedBytes());
        counter(registry, labels, "shardkv_rpc_failed_requests", "Requests whose handling failed (answered with an error).",
                () -> replica.rpcCounters().failedRequests());
        counter(registry, labels, "shardkv_rpc_protocol_errors", "Connections closed for breaking the protocol.",
                () -> replica.rpcCounters().protocolErrors());
        counter(registry, labels, "shardkv_rpc_permission_denied", "Requests refused because the connection's"
                + " certificate lacks the role they need.", () -> replica.rpcCounters().permissionDenied());
        gauge(registry, labels, "shardkv_rpc_connections", "Connections open on the replica's port (peers and clients).",
                () -> replica.rpcCounters().openConnections());
        gauge(registry, labels, "shardkv_rpc_incomplete_frame_bytes", "Bytes buffered for frames not yet fully received,"
                + " over every connection (bounded by --max-incomplete-frame-bytes).",
                () -> replica.rpcCounters().incompleteFrameBytes());
        registry.register((MultiCollector) () -> {
            CounterSnapshot.Builder hits = CounterSnapshot.builder().name("shardkv_rpc_limit_hits")
                    .help("Times a connection limit was hit, by the limit's flag: connections refused or closed, or for"
                            + " max-requests-per-connection, reads paused.");
            for (Limit limit : Limit.values()) {
                hits.dataPoint(CounterDataPointSnapshot.builder().labels(labels.add("limit", limit.setting()))
                        .value(replica.rpcCounters().limitHits(limit)).build());
            }
            return MetricSnapshots.of(hits.build());
        });
    }

    private static void peers(PrometheusRegistry registry, Labels labels, ReplicaServer replica) {
        registry.register(PrometheusHistograms.of("shardkv_peer_round_trip_seconds",
                "Round trip of a status request to each peer, sent every second.", labels, replica.peerRoundTrip()));
        registry.register((MultiCollector) () -> {
            Map<Integer, PeerTraffic> traffic = replica.peerTraffic();
            return MetricSnapshots.of(
                    peerCounter(labels, traffic, "shardkv_peer_sent_bytes", "Bytes written to each peer.",
                            PeerTraffic::sentBytes),
                    peerCounter(labels, traffic, "shardkv_peer_sent_messages", "Messages and requests written to each peer.",
                            PeerTraffic::sentMessages),
                    peerCounter(labels, traffic, "shardkv_peer_send_failures", "Frames whose write to the peer failed.",
                            PeerTraffic::sendFailures),
                    peerCounter(labels, traffic, "shardkv_peer_dropped_messages", "Messages to the peer dropped (its"
                            + " queue full while unreachable).", PeerTraffic::droppedMessages),
                    peerGauge(labels, traffic, "shardkv_peer_connected", "1 while a connection to the peer is up.",
                            t -> t.connected() ? 1 : 0));
        });
    }

    private static CounterSnapshot peerCounter(Labels labels, Map<Integer, PeerTraffic> traffic, String name, String help,
                                               ToDoubleFunction<PeerTraffic> value) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        traffic.forEach((peer, t) -> b.dataPoint(CounterDataPointSnapshot.builder()
                .labels(labels.add("peer", Integer.toString(peer))).value(value.applyAsDouble(t)).build()));
        return b.build();
    }

    private static GaugeSnapshot peerGauge(Labels labels, Map<Integer, PeerTraffic> traffic, String name, String help,
                                           ToDoubleFunction<PeerTraffic> value) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        traffic.forEach((peer, t) -> b.dataPoint(GaugeDataPointSnapshot.builder()
                .labels(labels.add("peer", Integer.toString(peer))).value(value.applyAsDouble(t)).build()));
        return b.build();
    }

    /** The shard metrics, from one reading of the view per scrape. */
    private record ShardCollector(Labels labels, LastKnown<ShardGroupView> view) implements MultiCollector {

        @Override
        public MetricSnapshots collect() {
            LastKnown.Reading<ShardGroupView> r = view.read();
            GaugeSnapshot.Builder keys = GaugeSnapshot.builder().name("shardkv_shard_keys")
                    .help("Keys of every shard this replica holds, by state.");
            GaugeSnapshot.Builder config = GaugeSnapshot.builder().name("shardkv_shard_config_num")
                    .help("The configuration this replica has applied.");
            GaugeSnapshot.Builder age = GaugeSnapshot.builder().name("shardkv_shard_view_age_seconds")
                    .help("Age of the shard view served: 0 when fresh, more when the node thread was slow to answer.");
            if (r != null) {
                ShardGroupView v = r.value();
                v.keys().forEach((shard, n) -> keys.dataPoint(GaugeDataPointSnapshot.builder()
                        .labels(labels.merge(Labels.of("shard", Integer.toString(shard), "state",
                                v.shards().get(shard).name()))).value(n).build()));
                config.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(v.configNum()).build());
                age.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(r.ageNanos() / 1e9).build());
            }
            CounterSnapshot stale = CounterSnapshot.builder().name("shardkv_shard_view_stale_scrapes")
                    .help("Scrapes served the last known shard view because the node thread did not answer in "
                            + VIEW_WAIT.toMillis() + " ms.")
                    .dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(view.staleReads()).build()).build();
            return MetricSnapshots.of(keys.build(), config.build(), age.build(), stale);
        }
    }

    private static void histogram(PrometheusRegistry registry, Labels labels, String name, String help,
                                  Supplier<LatencyHistogram> histogram) {
        registry.register(PrometheusHistograms.of(name, help, labels, histogram));
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
}
