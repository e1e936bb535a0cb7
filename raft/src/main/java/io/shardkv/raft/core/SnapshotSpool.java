package io.shardkv.raft.core;

/**
 * Where a snapshot a leader sends is put while its chunks arrive, as the core's spool steps say. A
 * real node spools them into a file in its data directory, so a follower never holds a big snapshot
 * in its heap and persisting it is a rename; the simulator keeps them in memory.
 */
public interface SnapshotSpool {

    /** Starts receiving the snapshot {@code meta}, declared {@code totalBytes} long. */
    Receiving begin(SnapshotMeta meta, long totalBytes);

    /** One snapshot being received; a storage error is an {@link java.io.UncheckedIOException}. */
    interface Receiving {

        /** The next chunk, in order; the caller no longer changes the array. */
        void append(byte[] chunk);

        /** Every byte arrived: the snapshot's data. */
        SnapshotData finish();

        /** Drops what arrived (a newer snapshot started, or the transfer is no longer wanted). */
        void abort();
    }
}
