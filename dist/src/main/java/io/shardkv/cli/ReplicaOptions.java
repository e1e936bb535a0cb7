package io.shardkv.cli;

import io.shardkv.raft.rsm.RsmOptions;
import io.shardkv.raft.server.ReplicaConfig;
import io.shardkv.raft.storage.FsyncPolicy;
import io.shardkv.raft.storage.StorageOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** What every replica process (controller or shard group) is started with. */
final class ReplicaOptions {

    @Option(names = "--id", required = true, description = "This replica's id in its group (1, 2, ...).")
    int id;

    @Option(names = "--peers", required = true, paramLabel = "ID=HOST:PORT,...",
            description = "Every replica of the group, this one included; this one listens on its own address.")
    String peers;

    @Option(names = "--data-dir", required = true, description = "Directory of this replica's log and snapshots (created if missing).")
    Path dataDir;

    @Option(names = "--cluster-id", defaultValue = "shardkv",
            description = "Name shared by every process of one cluster; connections between clusters are refused. Default: ${DEFAULT-VALUE}.")
    String clusterId;

    @Option(names = "--shards", defaultValue = "64",
            description = "Number of shards of the cluster: the same on every process, fixed for its life. Default: ${DEFAULT-VALUE}.")
    int shards;

    @Option(names = "--snapshot-bytes", defaultValue = "67108864",
            description = "Take a snapshot after this many bytes of log were applied; 0 never. Default: ${DEFAULT-VALUE} (64 MiB).")
    long snapshotBytes;

    @Option(names = "--fsync", defaultValue = "ALWAYS",
            description = "ALWAYS: every acknowledged write is on disk; NEVER: faster, UNSAFE on machine crashes (tests only). Default: ${DEFAULT-VALUE}.")
    FsyncPolicy fsync;

    @Option(names = "--metrics-port", defaultValue = "0",
            description = "Serve Prometheus metrics on http://0.0.0.0:PORT/metrics; 0 for none. Default: ${DEFAULT-VALUE}.")
    int metricsPort;

    ReplicaConfig replicaConfig() {
        if (metricsPort < 0 || metricsPort > 65_535) {
            throw new IllegalArgumentException("--metrics-port must be 0 to 65535, got " + metricsPort);
        }
        if (shards < 1) {
            throw new IllegalArgumentException("--shards must be at least 1, got " + shards);
        }
        if (snapshotBytes < 0) {
            throw new IllegalArgumentException("--snapshot-bytes must be 0 or more, got " + snapshotBytes);
        }
        Map<Integer, InetSocketAddress> members = Peers.byId(peers);
        if (!members.containsKey(id)) {
            throw new IllegalArgumentException("--peers does not list this replica's id " + id);
        }
        return ReplicaConfig.of(id, members, dataDir, clusterId)
                .withRsm(RsmOptions.DEFAULTS.withSnapshotThreshold(snapshotBytes))
                .withStorage(StorageOptions.DEFAULTS.withFsync(fsync));
    }
}
