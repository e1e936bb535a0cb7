package io.shardkv.raft.sim;

import io.shardkv.raft.core.Entry;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * The simulated service: it folds every applied command into a hash chain, so two replicas agree
 * on their whole history exactly when they agree on (index, hash). Its snapshots carry that pair
 * plus filler derived from the hash, which makes them long enough to need several chunks and lets
 * a restore detect any byte lost or reordered in transfer.
 */
final class SimStateMachine {

    private final int fillerBytes;
    private long appliedIndex;
    private long hash = 1469598103934665603L;

    SimStateMachine(int fillerBytes) {
        this.fillerBytes = fillerBytes;
    }

    long appliedIndex() {
        return appliedIndex;
    }

    long hash() {
        return hash;
    }

    void apply(Entry e) {
        if (e.index() != appliedIndex + 1) {
            throw new SimulationFailure("applied index " + e.index() + " after " + appliedIndex + ": out of order");
        }
        appliedIndex = e.index();
        hash = mix(hash, e.index(), e.data());
    }

    static long mix(long h, long index, byte[] data) {
        long x = h ^ (index * 0x9E3779B97F4A7C15L);
        for (byte b : data) {
            x = (x ^ (b & 0xff)) * 0x100000001B3L;
        }
        return Long.rotateLeft(x, 17) * 0xBF58476D1CE4E5B9L;
    }

    byte[] snapshot() {
        return imageAt(appliedIndex, hash);
    }

    /** The image this state machine had when it had applied {@code index} with hash {@code hashThen}. */
    byte[] imageAt(long index, long hashThen) {
        ByteBuffer buf = ByteBuffer.allocate(16 + fillerBytes);
        buf.putLong(index).putLong(hashThen);
        SplittableRandom filler = new SplittableRandom(hashThen);
        for (int i = 0; i < fillerBytes; i++) {
            buf.put((byte) filler.nextInt(256));
        }
        return buf.array();
    }

    void restore(byte[] data) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        long index = buf.getLong();
        long h = buf.getLong();
        SplittableRandom filler = new SplittableRandom(h);
        while (buf.hasRemaining()) {
            if (buf.get() != (byte) filler.nextInt(256)) {
                throw new SimulationFailure("snapshot at " + index + " corrupted at byte " + (buf.position() - 1));
            }
        }
        appliedIndex = index;
        hash = h;
    }
}
