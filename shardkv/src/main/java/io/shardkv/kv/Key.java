package io.shardkv.kv;

import java.util.Arrays;
import java.util.Objects;

/** A key's bytes as a map key: equality and order by content (unsigned, lexicographic). */
public record Key(byte[] bytes) implements Comparable<Key> {

    public Key {
        Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(Key o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return "Key[" + bytes.length + "B]";
    }
}
