package io.shardkv.raft.rsm;

/**
 * Counters of an {@link RsmHost} since it started, safe to read from any thread (for metrics).
 *
 * @param commits           proposals of this replica that were applied with an outcome
 * @param commitNanos       their time from proposal to outcome, in all, in nanoseconds
 * @param snapshots         snapshots this replica took
 * @param lastSnapshotBytes the size of the latest one
 */
public record RsmStats(long commits, long commitNanos, long snapshots, long lastSnapshotBytes) {
}
