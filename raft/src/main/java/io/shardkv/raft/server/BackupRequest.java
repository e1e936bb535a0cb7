package io.shardkv.raft.server;

import io.shardkv.rpc.tls.RequiresRole;
import io.shardkv.rpc.tls.Role;

/**
 * Asks a group's leader for a consistent image of its whole state at the service's {@code point}
 * (for shardkv, a configuration number): it is written to a file at the replica, described in the
 * {@link BackupReport}, and then read in {@link BackupChunkRequest}s.
 */
public record BackupRequest(long point) implements RequiresRole {

    public BackupRequest {
        if (point < 0) {
            throw new IllegalArgumentException("backup point must be >= 0, was " + point);
        }
    }

    @Override
    public Role requiredRole() {
        return Role.ADMIN;
    }
}
