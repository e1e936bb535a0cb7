package io.shardkv.raft.core;

/**
 * What the caller must do, in order, with the snapshot a leader is sending this node in chunks:
 * the core checks each chunk and decides; the caller keeps the bytes (a temporary file on a real
 * node, memory in the simulator) through a {@link SnapshotSpool}.
 */
public sealed interface SpoolStep {

    /** A new snapshot starts arriving; nothing else is being received. */
    record Begin(SnapshotMeta meta, long totalBytes) implements SpoolStep {
    }

    /** The next chunk of the snapshot being received, in order. */
    record Append(byte[] bytes) implements SpoolStep {
        @Override
        public String toString() {
            return "Append[" + bytes.length + "B]";
        }
    }

    /**
     * Every byte of the snapshot arrived: it is complete, and {@link Ready#snapshot()} will name it
     * (in this Ready, unless a newer complete snapshot replaces it first).
     */
    record Complete(SnapshotMeta meta) implements SpoolStep {
    }

    /** Drop the snapshot being received (a newer one starts, or it is no longer wanted). */
    record Abort() implements SpoolStep {
    }
}
