package io.shardkv.redis;

import java.util.random.RandomGenerator;

/**
 * The SCAN cursors a replica has handed out: a cursor is a number naming where its iteration
 * stands, kept here because a key does not fit in the 64-bit cursor clients expect. Shared by the
 * replica's connections, since cluster clients send the next SCAN of an iteration on whichever
 * pooled connection is free. The newest {@link #CAPACITY} are kept; an older or made-up cursor is
 * refused rather than silently restarting the iteration. Cursors begin at a random base per
 * process, so one from before a restart is almost surely refused too.
 */
final class ScanCursors {

    static final int CAPACITY = 16_384;

    private final long[] ids = new long[CAPACITY];
    private final KeyPage.Position[] positions = new KeyPage.Position[CAPACITY];
    private long next;

    ScanCursors(RandomGenerator random) {
        // Positive, below 2^62, so that ids never wrap to 0 (SCAN's "done") or go negative.
        this.next = 1 + (random.nextLong() >>> 2);
    }

    /** A new cursor for {@code position}. */
    synchronized long save(KeyPage.Position position) {
        long id = next++;
        int slot = (int) (id % CAPACITY);
        ids[slot] = id;
        positions[slot] = position;
        return id;
    }

    /** Where {@code id} left off, or null if it was never handed out here or is too old. */
    synchronized KeyPage.Position find(long id) {
        int slot = (int) Long.remainderUnsigned(id, CAPACITY);
        return ids[slot] == id ? positions[slot] : null;
    }
}
