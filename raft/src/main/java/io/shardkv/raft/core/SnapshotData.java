package io.shardkv.raft.core;

import java.io.InputStream;

/**
 * The bytes of a snapshot, opaque to Raft: a snapshot file on a real node, chunks in memory in the
 * simulator. Never one array, so a snapshot is not bounded by Java's 2 GiB array limit and no copy
 * of it is ever made whole.
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
}
