package io.shardkv.group.engine;

import java.util.Arrays;

/**
 * How a RocksDB engine lays shard data out in its one key space: {@code 'd' | shard (2 bytes,
 * big-endian) | key}. RocksDB's bytewise order is unsigned, so a shard is one contiguous range in
 * the same order as {@link io.shardkv.kv.Key}, and the shard after it starts where it ends.
 */
final class RocksDbKeys {

    private static final byte DATA = 'd';
    private static final int PREFIX = 3;

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

    /** The user's key within a stored data key. */
    static byte[] userKey(byte[] stored) {
        return Arrays.copyOfRange(stored, PREFIX, stored.length);
    }
}
