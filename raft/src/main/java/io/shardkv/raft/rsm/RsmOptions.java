package io.shardkv.raft.rsm;

import java.time.Duration;

/**
 * Settings of an {@link RsmHost}.
 *
 * @param snapshotThresholdBytes take a snapshot once this many bytes of log entries were applied
 *                               since the last one (0 = never snapshot)
 * @param sessionTimeout         a client session idle for longer (in replicated, leader-stamped
 *                               time) is forgotten; clients must not retry a command for longer
 * @param maxUnackedPerClient    replies a session keeps for commands its client has not
 *                               acknowledged; beyond it new commands are refused
 */
public record RsmOptions(long snapshotThresholdBytes, Duration sessionTimeout, int maxUnackedPerClient) {

    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofHours(1);
    public static final int DEFAULT_MAX_UNACKED_PER_CLIENT = 1024;
    public static final long DEFAULT_SNAPSHOT_THRESHOLD_BYTES = 64L << 20;

    public static final RsmOptions DEFAULTS = new RsmOptions(DEFAULT_SNAPSHOT_THRESHOLD_BYTES,
            DEFAULT_SESSION_TIMEOUT, DEFAULT_MAX_UNACKED_PER_CLIENT);

    public RsmOptions {
        if (snapshotThresholdBytes < 0) {
            throw new IllegalArgumentException("snapshotThresholdBytes must be >= 0, was " + snapshotThresholdBytes);
        }
        if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
            throw new IllegalArgumentException("sessionTimeout must be positive, was " + sessionTimeout);
        }
        if (maxUnackedPerClient < 1) {
            throw new IllegalArgumentException("maxUnackedPerClient must be >= 1, was " + maxUnackedPerClient);
        }
    }

    public RsmOptions withSnapshotThreshold(long bytes) {
        return new RsmOptions(bytes, sessionTimeout, maxUnackedPerClient);
    }

    public RsmOptions withSessionTimeout(Duration timeout) {
        return new RsmOptions(snapshotThresholdBytes, timeout, maxUnackedPerClient);
    }
}
