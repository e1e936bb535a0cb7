package io.shardkv.raft.server;

import io.shardkv.rpc.tls.RequiresRole;
import io.shardkv.rpc.tls.Role;

/** Asks a replica for its group's membership and, from the leader, how far each member is behind. */
public record MembershipRequest() implements RequiresRole {
    @Override
    public Role requiredRole() {
        return Role.READONLY;
    }
}
