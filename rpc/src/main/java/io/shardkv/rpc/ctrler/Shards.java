package io.shardkv.rpc.ctrler;

/**
 * The key → shard function, shared by clients and servers. It is part of the durable format:
 * changing it would move every key. Shard = (FNV-1a 32-bit hash of the key bytes, as unsigned)
 * mod the number of shards.
 */
public final class Shards {

    /** Default number of shards of a cluster, fixed when the controller is created. */
    public static final int DEFAULT_SHARDS = 64;

    private static final int FNV_OFFSET = 0x811C9DC5;
    private static final int FNV_PRIME = 0x01000193;

    private Shards() {
    }

    public static int shardOf(byte[] key, int numShards) {
        if (numShards < 1) {
            throw new IllegalArgumentException("numShards must be >= 1, was " + numShards);
        }
        int h = FNV_OFFSET;
        for (byte b : key) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return (int) (Integer.toUnsignedLong(h) % numShards);
    }
}
