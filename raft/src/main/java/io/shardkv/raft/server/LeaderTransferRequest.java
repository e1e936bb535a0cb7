package io.shardkv.raft.server;

import io.shardkv.rpc.tls.RequiresRole;
import io.shardkv.rpc.tls.Role;

/** Asks the leader to hand leadership to voter {@code target} (dissertation §3.10). */
public record LeaderTransferRequest(int target) implements RequiresRole {
    @Override
    public Role requiredRole() {
        return Role.ADMIN;
    }
}
