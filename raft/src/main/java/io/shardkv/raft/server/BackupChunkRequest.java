package io.shardkv.raft.server;

import io.shardkv.rpc.tls.RequiresRole;
import io.shardkv.rpc.tls.Role;

/** Reads at most {@code maxBytes} of backup image {@code id} from {@code offset}; answered by a {@link BackupChunk}. */
public record BackupChunkRequest(long id, long offset, int maxBytes) implements RequiresRole {

    /** The most a chunk carries, whatever is asked: well inside the transport's frame limit. */
    public static final int MAX_BYTES = 4 << 20;

    public BackupChunkRequest {
        if (offset < 0 || maxBytes < 1) {
            throw new IllegalArgumentException("a backup chunk needs offset >= 0 and maxBytes >= 1, got " + offset
                    + " and " + maxBytes);
        }
    }

    @Override
    public Role requiredRole() {
        return Role.ADMIN;
    }
}
