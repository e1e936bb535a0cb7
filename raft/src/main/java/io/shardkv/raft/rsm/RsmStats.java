package io.shardkv.raft.rsm;

/**
 * Counters of an {@link RsmHost} since it started, safe to read from any thread (for metrics).
 *
 * @param commits           proposals of this replica that were applied with an outcome
 * @param lastSnapshotBytes the size of the latest snapshot this replica took
 * @param pendingProposals  proposals of this replica awaiting their outcome now
 * @param failedProposals   proposals of this replica that ended without being applied (leadership lost, the node
 *                          stopped, refused)
 */
public record RsmStats(long commits, long lastSnapshotBytes, int pendingProposals, long failedProposals) {
}
