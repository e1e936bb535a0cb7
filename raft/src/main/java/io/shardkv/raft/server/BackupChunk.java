package io.shardkv.raft.server;

import java.util.Objects;

/**
 * Bytes of a backup image from the offset asked for (empty at its end), or, when {@code error} is
 * not null, why none: the image is gone (released, replaced by a newer one, or the replica restarted).
 */
public record BackupChunk(String error, byte[] data) {

    public BackupChunk {
        Objects.requireNonNull(data, "data");
    }
}
