package io.shardkv.raft.core;

import java.util.Arrays;

/**
 * Reassembles a snapshot a leader sends in chunks. Only in-order chunks are accepted; the buffer
 * grows with what has arrived rather than with what the sender claims, so a bogus size allocates
 * nothing up front.
 */
final class SnapshotReceiver {

    private SnapshotMeta meta;
    private long totalBytes;
    private byte[] buffer = new byte[0];
    private int received;

    void start(SnapshotMeta newMeta, long newTotalBytes) {
        meta = newMeta;
        totalBytes = newTotalBytes;
        buffer = new byte[0];
        received = 0;
    }

    void reset() {
        meta = null;
        buffer = new byte[0];
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

    void append(byte[] chunk) {
        if (received + chunk.length > buffer.length) {
            long wanted = Math.max((long) buffer.length * 2, (long) received + chunk.length);
            buffer = Arrays.copyOf(buffer, (int) Math.min(wanted, totalBytes));
        }
        System.arraycopy(chunk, 0, buffer, received, chunk.length);
        received += chunk.length;
    }

    boolean complete() {
        return meta != null && received == totalBytes;
    }

    Snapshot finish() {
        if (!complete()) {
            throw new IllegalStateException("snapshot incomplete: " + received + " of " + totalBytes + " bytes");
        }
        byte[] data = buffer.length == received ? buffer : Arrays.copyOf(buffer, received);
        Snapshot snapshot = new Snapshot(meta, data);
        reset();
        return snapshot;
    }
}
