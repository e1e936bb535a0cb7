package io.shardkv.raft.core;

import java.util.Objects;

/**
 * Reassembles a snapshot a leader sends in chunks, into a {@link SnapshotSpool}. Only in-order
 * chunks are accepted; what is held grows with what has arrived rather than with what the sender
 * claims, so a bogus size allocates nothing up front.
 */
final class SnapshotReceiver {

    private final SnapshotSpool spool;
    private SnapshotMeta meta;
    private long totalBytes;
    private SnapshotSpool.Receiving receiving;
    private long received;

    SnapshotReceiver(SnapshotSpool spool) {
        this.spool = Objects.requireNonNull(spool, "spool");
    }

    void start(SnapshotMeta newMeta, long newTotalBytes) {
        reset();
        receiving = spool.begin(newMeta, newTotalBytes);
        meta = newMeta;
        totalBytes = newTotalBytes;
    }

    /** Drops the snapshot being received, if any. */
    void reset() {
        if (receiving != null) {
            receiving.abort();
        }
        receiving = null;
        meta = null;
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
        receiving.append(chunk);
        received += chunk.length;
    }

    boolean complete() {
        return meta != null && received == totalBytes;
    }

    /** The received snapshot; the spool's data is the caller's from now on. */
    Snapshot finish() {
        if (!complete()) {
            throw new IllegalStateException("snapshot incomplete: " + received + " of " + totalBytes + " bytes");
        }
        Snapshot snapshot = new Snapshot(meta, receiving.finish());
        receiving = null;
        reset();
        return snapshot;
    }
}
