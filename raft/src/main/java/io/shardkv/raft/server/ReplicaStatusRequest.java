package io.shardkv.raft.server;

import io.shardkv.rpc.tls.RequiresRole;
import io.shardkv.rpc.tls.Role;

/**
 * Asks any replica for a {@link ReplicaStatusReport}: what an operator's status view shows of it.
 * Answered by the {@link ReplicaServer} itself from what it publishes, never waiting on the node
 * thread, so a stuck replica still answers (and says it is stuck).
 */
public record ReplicaStatusRequest() implements RequiresRole {
    @Override
    public Role requiredRole() {
        return Role.READONLY;
    }
}
