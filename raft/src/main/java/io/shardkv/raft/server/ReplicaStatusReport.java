package io.shardkv.raft.server;

import io.shardkv.raft.core.tracker.MembershipConfig;
import io.shardkv.raft.node.NodeStatus;
import java.util.Objects;

/**
 * A replica's answer to {@link ReplicaStatusRequest}.
 *
 * @param status        term, role, leader and log positions
 * @param config        the configuration it acts under (empty while joining)
 * @param removed       whether a committed configuration removed it
 * @param snapshotIndex the index of its latest snapshot (0: none)
 * @param snapshotBytes that snapshot's size
 * @param diskBytes     bytes of its data directory
 * @param stallMillis   time since its node thread last went round its loop
 */
public record ReplicaStatusReport(NodeStatus status, MembershipConfig config, boolean removed, long snapshotIndex,
                                  long snapshotBytes, long diskBytes, long stallMillis) {

    public ReplicaStatusReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(config, "config");
        if (snapshotIndex < 0 || snapshotBytes < 0 || diskBytes < 0 || stallMillis < 0) {
            throw new IllegalArgumentException("negative snapshot index, size, disk size or stall");
        }
    }
}
