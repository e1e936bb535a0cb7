package io.shardkv.raft.core;

import java.util.List;

/**
 * Follows a snapshot a leader sends in chunks: which one, its declared size, how many bytes have
 * arrived. Only in-order chunks are accepted. It keeps no bytes: every decision comes out as a
 * {@link SpoolStep} for the caller, who holds the bytes.
 */
final class SnapshotReceiver {

    private final List<SpoolStep> steps;
    private SnapshotMeta meta;
    private long totalBytes;
    private long received;

    /** A receiver that adds its decisions to {@code steps}. */
    SnapshotReceiver(List<SpoolStep> steps) {
        this.steps = steps;
    }

    void start(SnapshotMeta newMeta, long newTotalBytes) {
        reset();
        steps.add(new SpoolStep.Begin(newMeta, newTotalBytes));
        meta = newMeta;
        totalBytes = newTotalBytes;
    }

    /** Drops the snapshot being received, if any. */
    void reset() {
        if (meta != null) {
            steps.add(new SpoolStep.Abort());
        }
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
        steps.add(new SpoolStep.Append(chunk));
        received += chunk.length;
    }

    boolean complete() {
        return meta != null && received == totalBytes;
    }

    /** The received snapshot is complete: what it replaces. */
    SnapshotMeta finish() {
        if (!complete()) {
            throw new IllegalStateException("snapshot incomplete: " + received + " of " + totalBytes + " bytes");
        }
        SnapshotMeta done = meta;
        steps.add(new SpoolStep.Complete(done));
        meta = null;
        received = 0;
        totalBytes = 0;
        return done;
    }
}
