package io.shardkv.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Snapshots held in memory, for the simulator and tests: data from arrays, and a spool that keeps a
 * received snapshot's chunks as they came. A real node reads and writes snapshot files instead.
 */
public final class MemorySnapshots {

    /** Keeps each received chunk as it came. */
    public static final SnapshotSpool SPOOL = (meta, totalBytes) -> new SnapshotSpool.Receiving() {
        private final List<byte[]> chunks = new ArrayList<>();

        @Override
        public void append(byte[] chunk) {
            if (chunk.length > 0) {
                chunks.add(chunk);
            }
        }

        @Override
        public SnapshotData finish() {
            return ofChunks(chunks);
        }

        @Override
        public void abort() {
            chunks.clear();
        }
    };

    private MemorySnapshots() {
    }

    /** Data made of {@code chunks}, in order; the arrays must not be changed afterwards. */
    public static SnapshotData ofChunks(List<byte[]> chunks) {
        return new ChunkedSnapshotData(chunks);
    }

    /** Data of one array, which must not be changed afterwards. */
    public static SnapshotData of(byte[] bytes) {
        return new ChunkedSnapshotData(List.of(bytes));
    }
}
