package io.shardkv.raft.core;

import io.shardkv.raft.core.Message.InstallSnapshot;

/**
 * A chunk of a snapshot that a leader decided to send: which snapshot, to whom, which bytes. The
 * core never reads snapshot bytes (they may be in a file); the caller reads them and sends
 * {@link #toMessage}. Leader replication traffic, so it may go out before the Ready is persisted.
 */
public record SnapshotChunk(int from, int to, long term, Snapshot snapshot, long offset, int length,
                            boolean last) {

    public SnapshotChunk {
        if (offset < 0 || length < 0 || offset + length > snapshot.data().size()) {
            throw new IllegalArgumentException("chunk [" + offset + ", " + (offset + length) + ") outside a snapshot of "
                    + snapshot.data().size() + " bytes");
        }
    }

    /** The InstallSnapshot carrying {@code bytes}, which must be this chunk's bytes of the snapshot. */
    public InstallSnapshot toMessage(byte[] bytes) {
        if (bytes.length != length) {
            throw new IllegalArgumentException("chunk of " + length + " bytes at " + offset + " given " + bytes.length);
        }
        return new InstallSnapshot(from, to, term, snapshot.meta(), snapshot.data().size(), offset, bytes, last);
    }

    /** Reads this chunk's bytes and builds its message. */
    public InstallSnapshot read() {
        return toMessage(snapshot.data().read(offset, length));
    }
}
