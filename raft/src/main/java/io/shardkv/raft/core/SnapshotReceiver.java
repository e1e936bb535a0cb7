package io.shardkv.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Reassembles a snapshot a leader sends in chunks. Only in-order chunks are accepted; what is held
 * grows with what has arrived rather than with what the sender claims, so a bogus size allocates
 * nothing up front. Chunks are kept as they came: never copied into one array.
 */
final class SnapshotReceiver {

    private SnapshotMeta meta;
    private long totalBytes;
    private List<byte[]> chunks = new ArrayList<>();
    private long received;

    void start(SnapshotMeta newMeta, long newTotalBytes) {
        meta = newMeta;
        totalBytes = newTotalBytes;
        chunks = new ArrayList<>();
        received = 0;
    }

    void reset() {
        meta = null;
        chunks = new ArrayList<>();
        received = 0;
        totalBytes = 0;
    }

    private boolean isReceiving(SnapshotMeta other) {
        return meta != null && meta.index() == other.index() && meta.term() == other.term();
    }

    /** Bytes held of the snapshot described by {@code other}: where its next chunk must start. */
    long nextOffset(SnapshotMeta other) {
        return isReceiving(other) ? received : 0;
    }

    boolean accepts(SnapshotMeta other, long offset, long total, int length) {
        return isReceiving(other) && offset == received && total == totalBytes
                && received + (long) length <= totalBytes;
    }

    /** Takes {@code chunk}, which the caller no longer changes (a decoded message's own array). */
    void append(byte[] chunk) {
        if (chunk.length > 0) {
            chunks.add(chunk);
        }
        received += chunk.length;
    }

    boolean complete() {
        return meta != null && received == totalBytes;
    }

    Snapshot finish() {
        if (!complete()) {
            throw new IllegalStateException("snapshot incomplete: " + received + " of " + totalBytes + " bytes");
        }
        Snapshot snapshot = new Snapshot(meta, SnapshotData.ofChunks(chunks));
        reset();
        return snapshot;
    }
}
