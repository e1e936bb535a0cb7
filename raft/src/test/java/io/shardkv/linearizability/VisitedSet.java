package io.shardkv.linearizability;

import java.util.Arrays;

/**
 * The search's cache (Lowe, "Testing for linearizability", 2017): the (linearized set, state) pairs
 * already reached. Reaching a pair again means repeating a search that already failed — the
 * remaining operations and the state they start from are the same — so the search prunes it.
 *
 * <p>Searches that fail visit millions of pairs, so the layout avoids an object per pair: sets are
 * stored in their canonical form ({@link OpSet}) back to back in one {@code long[]} pool, and an
 * open-addressing table with linear probing (grown at half full) holds each pair's hash next to
 * its index, so a probe that misses touches one array only.
 */
final class VisitedSet {

    private static final int INITIAL_SLOTS = 1 << 10;
    private static final long EMPTY = 0;

    private long[] slotHash = new long[INITIAL_SLOTS];
    private int[] slotEntry = new int[INITIAL_SLOTS];

    private int entries;
    private KeyState[] entryState = new KeyState[INITIAL_SLOTS];
    private int[] entryStart = new int[INITIAL_SLOTS];
    /** Entry i's words are pool[entryOffset[i], entryOffset[i + 1]). */
    private int[] entryOffset = new int[INITIAL_SLOTS + 1];
    private long[] pool = new long[INITIAL_SLOTS];

    /** Adds the pair; returns false if it was already present. */
    boolean add(OpSet set, KeyState state) {
        long h = hash(set.hash(), state.hash64());
        int mask = slotHash.length - 1;
        int i = (int) h & mask;
        for (; slotHash[i] != EMPTY; i = (i + 1) & mask) {
            if (slotHash[i] == h && matches(slotEntry[i], set, state)) {
                return false;
            }
        }
        slotHash[i] = h;
        slotEntry[i] = append(set, state);
        if (entries * 2 > slotHash.length) {
            grow();
        }
        return true;
    }

    private boolean matches(int e, OpSet set, KeyState state) {
        int offset = entryOffset[e];
        return set.canonicalEquals(entryStart[e], pool, offset, entryOffset[e + 1] - offset)
                && entryState[e].equals(state);
    }

    private int append(OpSet set, KeyState state) {
        if (entries + 1 >= entryState.length) {
            entryState = Arrays.copyOf(entryState, entryState.length * 2);
            entryStart = Arrays.copyOf(entryStart, entryStart.length * 2);
            entryOffset = Arrays.copyOf(entryOffset, entryOffset.length * 2);
        }
        int offset = entryOffset[entries];
        int length = set.canonicalLength();
        if (offset + length > pool.length) {
            pool = Arrays.copyOf(pool, Math.max(pool.length * 2, offset + length));
        }
        set.copyCanonical(pool, offset);
        entryState[entries] = state;
        entryStart[entries] = set.canonicalStart();
        entryOffset[entries + 1] = offset + length;
        return entries++;
    }

    private void grow() {
        long[] oldHash = slotHash;
        int[] oldEntry = slotEntry;
        slotHash = new long[oldHash.length * 2];
        slotEntry = new int[oldHash.length * 2];
        int mask = slotHash.length - 1;
        for (int j = 0; j < oldHash.length; j++) {
            if (oldHash[j] != EMPTY) {
                int i = (int) oldHash[j] & mask;
                while (slotHash[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                slotHash[i] = oldHash[j];
                slotEntry[i] = oldEntry[j];
            }
        }
    }

    /** Mixes the two hashes; never {@link #EMPTY}. */
    private static long hash(long setHash, long stateHash) {
        long z = setHash ^ (stateHash * 0xc2b2ae3d27d4eb4fL);
        z ^= z >>> 29;
        return z == EMPTY ? 1 : z;
    }
}
