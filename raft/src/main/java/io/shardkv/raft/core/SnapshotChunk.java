package io.shardkv.raft.core;

import io.shardkv.raft.core.Message.InstallSnapshot;

/**
 * A chunk of a snapshot that a leader decided to send: which snapshot, to whom, which bytes. The
 * core never reads snapshot bytes (they may be in a file); the caller builds the message with
 * {@link #read} and sends it. Leader replication traffic, so it may go out before the Ready is
 * persisted.
 */
public record SnapshotChunk(int from, int to, long term, Snapshot snapshot, long offset, int length,
                            boolean last) {

    public SnapshotChunk {
        if (offset < 0 || length < 0 || offset + length > snapshot.data().size()) {
            throw new IllegalArgumentException("chunk [" + offset + ", " + (offset + length) + ") outside a snapshot of "
                    + snapshot.data().size() + " bytes");
        }
    }

    /** Reads this chunk's bytes and builds the InstallSnapshot that carries them. */
    public InstallSnapshot read() {
        return new InstallSnapshot(from, to, term, snapshot.meta(), snapshot.data().size(), offset,
                snapshot.data().read(offset, length), last);
    }
}
