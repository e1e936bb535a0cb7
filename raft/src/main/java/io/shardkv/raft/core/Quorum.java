package io.shardkv.raft.core;

import java.util.Arrays;

/** Majority arithmetic over a voter set (Raft §5.2, §5.3). */
final class Quorum {

    private Quorum() {
    }

    static int majority(int voters) {
        return voters / 2 + 1;
    }

    /**
     * The largest value that a majority of {@code values} has reached: with one value per voter, the
     * highest index replicated on a majority, or the newest read confirmed by one.
     */
    static long committedValue(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length - majority(sorted.length)];
    }
}
