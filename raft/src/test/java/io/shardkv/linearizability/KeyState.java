package io.shardkv.linearizability;

import java.util.Arrays;

/**
 * The model's state of one key: absent, or a byte string. Immutable.
 *
 * <p>A value grown by Appends is a chain of chunks sharing its prefix with the state it came from,
 * so a step costs O(1) and the search's cache of visited states holds each appended chunk once —
 * flat copies would make both quadratic in the number of appends, and append-heavy histories are
 * what the lab-style tests produce. Each state carries a polynomial hash of its whole content,
 * extended in O(1) per append, so unequal states almost always differ without comparing bytes.
 */
final class KeyState {

    /** The key has no value. Distinct from the empty value. */
    static final KeyState ABSENT = new KeyState(null, new byte[0], 0, 0x6a09e667f3bcc909L, 1);

    private static final long BASE = 0x100000001b3L;

    /** The state this one appended to, or null if {@link #chunk} is the whole value. */
    private final KeyState prefix;
    private final byte[] chunk;
    private final int length;
    /** Sum of (byte + 1) · BASE^(distance from the end), mod 2^64. */
    private final long hash;
    /** BASE^length mod 2^64: what {@link #hash} of a prefix is multiplied by when this is appended. */
    private final long scale;

    private KeyState(KeyState prefix, byte[] chunk, int length, long hash, long scale) {
        this.prefix = prefix;
        this.chunk = chunk;
        this.length = length;
        this.hash = hash;
        this.scale = scale;
    }

    /** The state holding exactly {@code value}. */
    static KeyState of(Bytes value) {
        byte[] bytes = value.array();
        long hash = 0;
        long scale = 1;
        for (byte b : bytes) {
            hash = hash * BASE + (b & 0xff) + 1;
            scale *= BASE;
        }
        return new KeyState(null, bytes, bytes.length, hash, scale);
    }

    /** The state after appending {@code suffix}, a state made by {@link #of}, to this one. */
    KeyState append(KeyState suffix) {
        if (this == ABSENT) {
            return suffix;
        }
        return new KeyState(this, suffix.chunk, length + suffix.length, hash * suffix.scale + suffix.hash,
                scale * suffix.scale);
    }

    boolean isAbsent() {
        return this == ABSENT;
    }

    /** The hashes {@link #hash64()} gives each prefix of {@code value}, indexed by prefix length. */
    static long[] prefixHashes(Bytes value) {
        byte[] bytes = value.array();
        long[] hashes = new long[bytes.length + 1];
        for (int i = 0; i < bytes.length; i++) {
            hashes[i + 1] = hashes[i] * BASE + (bytes[i] & 0xff) + 1;
        }
        return hashes;
    }

    /**
     * False if this state is certainly not a prefix of the value whose {@link #prefixHashes} are
     * given; true if it is, or (on a hash collision) might be. Callers use it only to rule out.
     */
    boolean mayBePrefixOf(long[] valuePrefixHashes) {
        return this != ABSENT && length < valuePrefixHashes.length && hash == valuePrefixHashes[length];
    }

    int length() {
        return length;
    }

    /** A 64-bit hash of the state, for {@link VisitedSet}. */
    long hash64() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof KeyState other) || this == ABSENT || other == ABSENT) {
            return false;
        }
        return length == other.length && hash == other.hash && sameBytes(this, other);
    }

    /**
     * Compares two values of equal length from their ends, chunk range by chunk range, without
     * flattening them. Values reached along different paths usually share the state they appended
     * to: meeting the same node at the same offset proves the rest equal.
     */
    private static boolean sameBytes(KeyState a, KeyState b) {
        int endA = a.chunk.length;
        int endB = b.chunk.length;
        while (a != null && b != null) {
            if (a == b && endA == endB) {
                return true;
            }
            if (endA == 0) {
                a = a.prefix;
                endA = a == null ? 0 : a.chunk.length;
            } else if (endB == 0) {
                b = b.prefix;
                endB = b == null ? 0 : b.chunk.length;
            } else {
                int n = Math.min(endA, endB);
                if (!Arrays.equals(a.chunk, endA - n, endA, b.chunk, endB - n, endB)) {
                    return false;
                }
                endA -= n;
                endB -= n;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hash);
    }

    @Override
    public String toString() {
        return this == ABSENT ? "absent" : Bytes.wrap(flatten()).toString();
    }

    private byte[] flatten() {
        if (prefix == null) {
            return chunk;
        }
        byte[] out = new byte[length];
        int end = length;
        for (KeyState s = this; s != null; s = s.prefix) {
            end -= s.chunk.length;
            System.arraycopy(s.chunk, 0, out, end, s.chunk.length);
        }
        return out;
    }
}
