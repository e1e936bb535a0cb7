package io.shardkv.raft.core.tracker;

/**
 * The AppendEntries a leader has sent to one follower and not yet seen acknowledged, as a ring of
 * their last indexes. Bounds how far optimistic pipelining may run ahead of the follower.
 */
final class Inflights {

    private final long[] lastIndexes;
    private int start;
    private int count;

    Inflights(int capacity) {
        this.lastIndexes = new long[capacity];
    }

    boolean full() {
        return count == lastIndexes.length;
    }

    int count() {
        return count;
    }

    void add(long lastIndex) {
        if (full()) {
            throw new IllegalStateException("inflight window of " + lastIndexes.length + " is full");
        }
        lastIndexes[(start + count) % lastIndexes.length] = lastIndex;
        count++;
    }

    /** Frees every in-flight message whose last index is at or below {@code index}. */
    void freeLE(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            start = (start + 1) % lastIndexes.length;
            count--;
        }
    }

    void reset() {
        start = 0;
        count = 0;
    }
}
