package io.shardkv.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a snapshot a leader sends is put while its chunks arrive. The core itself keeps chunks in
 * memory (the simulator's choice); a real node spools them into a file in its data directory, so
 * a follower never holds a big snapshot in its heap and persisting it is a rename.
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

    /** Chunks kept in memory, as they came. */
    SnapshotSpool IN_MEMORY = (meta, totalBytes) -> new Receiving() {
        private final List<byte[]> chunks = new ArrayList<>();

        @Override
        public void append(byte[] chunk) {
            if (chunk.length > 0) {
                chunks.add(chunk);
            }
        }

        @Override
        public SnapshotData finish() {
            return SnapshotData.ofChunks(chunks);
        }

        @Override
        public void abort() {
            chunks.clear();
        }
    };
}
