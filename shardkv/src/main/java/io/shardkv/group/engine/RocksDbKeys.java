package io.shardkv.group.engine;

import java.util.Arrays;

/**
 * How a RocksDB engine lays its one key space out: shard data as {@code 'd' | shard (2 bytes,
 * big-endian) | key}, the group's own records ({@link DurableEngine}) as {@code 'r' | key}.
 * RocksDB's bytewise order is unsigned, so a shard is one contiguous range in the same order as
 * {@link io.shardkv.kv.Key}, and the shard after it starts where it ends.
 */
final class RocksDbKeys {

    private static final byte DATA = 'd';
    private static final byte RECORD = 'r';
    private static final int PREFIX = 3;
    /** Below and above every stored key: the whole key space is [FIRST, LAST). */
    static final byte[] FIRST = {0};
    static final byte[] LAST = {(byte) 0xFF};

    private RocksDbKeys() {
    }

    /** The first stored key of {@code shard}, and the end (exclusive) of {@code shard - 1}. */
    static byte[] shardStart(int shard) {
        return new byte[] {DATA, (byte) (shard >>> 8), (byte) shard};
    }

    static byte[] dataKey(int shard, byte[] key) {
        byte[] stored = Arrays.copyOf(shardStart(shard), PREFIX + key.length);
        System.arraycopy(key, 0, stored, PREFIX, key.length);
        return stored;
    }

    /** The group's record {@code key} as stored, after every data key. */
    static byte[] recordKey(byte[] key) {
        byte[] stored = new byte[1 + key.length];
        stored[0] = RECORD;
        System.arraycopy(key, 0, stored, 1, key.length);
        return stored;
    }

    /** The record's own key within a stored record key. */
    static byte[] recordName(byte[] stored) {
        return Arrays.copyOfRange(stored, 1, stored.length);
    }

    /** The first key after every key that starts with {@code prefix} (null: none, the prefix is all 0xFF). */
    static byte[] after(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        return null;
    }

    /** The user's key within a stored data key. */
    static byte[] userKey(byte[] stored) {
        return Arrays.copyOfRange(stored, PREFIX, stored.length);
    }
}
