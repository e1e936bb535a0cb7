package io.shardkv.raft.server;

import io.shardkv.rpc.tls.RequiresRole;
import io.shardkv.rpc.tls.Role;

/** Deletes backup image {@code id} at the replica that holds it; answered by an {@link AdminReply}. */
public record BackupReleaseRequest(long id) implements RequiresRole {
    @Override
    public Role requiredRole() {
        return Role.ADMIN;
    }
}
