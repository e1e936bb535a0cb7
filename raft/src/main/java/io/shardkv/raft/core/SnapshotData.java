package io.shardkv.raft.core;

import java.io.InputStream;
import java.util.List;

/**
 * The bytes of a snapshot, opaque to Raft: a local file once persisted, or chunks in memory while
 * a leader's snapshot is being received (and always in the simulator). Never one array, so a
 * snapshot is not bounded by Java's 2 GiB array limit and no copy of it is ever made whole.
 * Implementations are immutable and safe to read from any thread.
 */
public interface SnapshotData {

    /** Length in bytes. */
    long size();

    /**
     * Bytes [{@code offset}, {@code offset + length}) — one InstallSnapshot chunk. A storage error
     * is an {@link java.io.UncheckedIOException}: the node stops on it.
     */
    byte[] read(long offset, int length);

    /** The whole image from its start, for the state machine to restore from. */
    InputStream open();

    /** In-memory data made of {@code chunks}, in order; the arrays must not be changed afterwards. */
    static SnapshotData ofChunks(List<byte[]> chunks) {
        return new ChunkedSnapshotData(chunks);
    }

    /** In-memory data of one array, which must not be changed afterwards. */
    static SnapshotData of(byte[] bytes) {
        return new ChunkedSnapshotData(List.of(bytes));
    }
}
