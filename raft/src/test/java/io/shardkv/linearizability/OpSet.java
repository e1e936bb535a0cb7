package io.shardkv.linearizability;

import java.util.Arrays;

/**
 * The set of operations linearized so far: a bitset with an incrementally maintained hash (Zobrist
 * hashing: the XOR of a fixed random word per member), so looking it up in {@link VisitedSet} costs
 * O(1) until an actual comparison is needed.
 *
 * <p>Its canonical form, which {@link VisitedSet} stores, leaves out the leading words that are full
 * and the trailing words that are empty. Operations are numbered in invocation order and every one
 * that returned long ago is linearized, so that form spans only the operations around the current
 * point of the history — a few words however long the history is.
 */
final class OpSet {

    private final long[] words;
    private long hash;
    /** The first word that is not full. */
    private int low;
    /** One past the last word that is not empty. */
    private int high;

    OpSet(int capacity) {
        words = new long[(capacity + 63) >>> 6];
    }

    /** Adds {@code op}, which must not be a member. */
    void add(int op) {
        int w = op >>> 6;
        words[w] |= 1L << op;
        hash ^= memberHash(op);
        high = Math.max(high, w + 1);
        while (low < words.length && words[low] == -1L) {
            low++;
        }
    }

    /** Removes {@code op}, which must be a member. */
    void remove(int op) {
        int w = op >>> 6;
        words[w] &= ~(1L << op);
        hash ^= memberHash(op);
        low = Math.min(low, w);
        while (high > 0 && words[high - 1] == 0) {
            high--;
        }
    }

    boolean contains(int op) {
        return (words[op >>> 6] & (1L << op)) != 0;
    }

    /** A bound below which every operation is a member: those long finished are all linearized. */
    int membersBelow() {
        return low << 6;
    }

    long hash() {
        return hash;
    }

    /** The index of the first word of the canonical form. */
    int canonicalStart() {
        return low;
    }

    /** The number of words in the canonical form. */
    int canonicalLength() {
        return Math.max(0, high - low);
    }

    /**
     * Whether the canonical form starts at word {@code start} and equals the {@code length} words of
     * {@code pool} from {@code offset}.
     */
    boolean canonicalEquals(int start, long[] pool, int offset, int length) {
        return start == low && length == canonicalLength()
                && Arrays.equals(words, low, low + length, pool, offset, offset + length);
    }

    /** Copies the canonical form into {@code pool} at {@code offset}. */
    void copyCanonical(long[] pool, int offset) {
        System.arraycopy(words, low, pool, offset, canonicalLength());
    }

    /** SplitMix64's finalizer: a fixed, well-mixed word per operation index. */
    private static long memberHash(int op) {
        long z = (op + 1) * 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
