package io.shardkv.raft.core.tracker;

import io.shardkv.raft.core.Snapshot;

/**
 * A leader sending one snapshot to one follower, chunk by chunk, with at most a window of
 * unacknowledged bytes (go-back-N). The follower acknowledges the bytes it holds; an out-of-order
 * chunk is answered with the offset it expects, which is acted on only if the transfer stalls for
 * a heartbeat interval — reacting at once would resend the window once per chunk in it.
 */
public final class SnapshotTransfer {

    /** One chunk to send: bytes [{@code offset}, {@code offset + length}) of the snapshot. */
    public record Chunk(long offset, int length, boolean last) {
    }

    private final Snapshot snapshot;
    private long sent;
    private long acked;
    private boolean done;
    /** Where the follower asked to restart from after an out-of-order chunk, or -1. */
    private long rewindTo = -1;
    /** {@code acked} at the previous heartbeat answer, to detect a stalled transfer; -1 at first. */
    private long ackedAtLastHeartbeat = -1;

    SnapshotTransfer(Snapshot snapshot) {
        this.snapshot = snapshot;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public long index() {
        return snapshot.index();
    }

    /** Bytes the follower has acknowledged holding. */
    public long acked() {
        return acked;
    }

    /** The next chunk to send, or null if the window is full or every chunk is out. */
    public Chunk nextChunk(int chunkBytes, long windowBytes) {
        if (done || sent - acked >= windowBytes) {
            return null;
        }
        long size = snapshot.data().size();
        long offset = sent;
        int length = (int) Math.min(chunkBytes, size - offset);
        sent = offset + length;
        done = sent == size;
        return new Chunk(offset, length, done);
    }

    /** The follower holds the first {@code nextOffset} bytes. Returns true if that frees the window. */
    public boolean acknowledge(long nextOffset) {
        if (nextOffset > acked && nextOffset <= sent) {
            acked = nextOffset;
            return true;
        }
        return false;
    }

    /** The follower got a chunk out of order and expects {@code nextOffset} next. */
    public void requestRewind(long nextOffset) {
        rewindTo = nextOffset;
    }

    /**
     * Called once per heartbeat round the follower answers: true if it acknowledged nothing since
     * the previous round, i.e. chunks were lost and the transfer must go on from what it holds.
     */
    public boolean stalled() {
        if (acked != ackedAtLastHeartbeat) {
            ackedAtLastHeartbeat = acked;
            return false;
        }
        return true;
    }

    /** Resends from where the follower asked, or from what it acknowledged. */
    public void rewind() {
        long restart = rewindTo >= 0 ? Math.min(rewindTo, sent) : acked;
        acked = restart;
        sent = restart;
        done = false;
        rewindTo = -1;
        ackedAtLastHeartbeat = -1;
    }

    @Override
    public String toString() {
        return "snap=" + snapshot.index() + " acked=" + acked;
    }
}
