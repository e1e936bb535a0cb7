package io.shardkv.raft.server;

/** Asks the leader to hand leadership to voter {@code target} (dissertation §3.10). */
public record LeaderTransferRequest(int target) {
}
