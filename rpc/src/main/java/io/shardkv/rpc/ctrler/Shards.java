package io.shardkv.rpc.ctrler;

/**
 * The key → shard function, shared by clients, servers, the controller and the simulator. It is
 * Redis Cluster's: a key's <i>slot</i> is CRC16 (XMODEM) of the key mod 16384, where a key with a
 * hash tag — the bytes between its first {@code {} and the first {@code }} after it, if there are
 * any — is hashed by the tag alone, so {@code {user42}:cart} and {@code {user42}:orders} share a
 * slot. A shard is a contiguous range of slots: shard = slot × shards / 16384, so with a number of
 * shards that divides 16384 (the default 64 does) every shard has exactly 16384 / shards slots.
 *
 * <p>Part of the durable format: changing it would move every key (a shard group's data directory
 * records the layout it was written with; {@code GroupDataFormat}).
 */
public final class Shards {

    /** Default number of shards of a cluster, fixed when the controller is created. */
    public static final int DEFAULT_SHARDS = 64;

    /** Redis Cluster's number of hash slots. */
    public static final int SLOTS = 16384;

    /** The most shards a cluster may have: one per slot. */
    public static final int MAX_SHARDS = SLOTS;

    private static final int[] CRC16_TABLE = crc16Table();

    private Shards() {
    }

    public static int shardOf(byte[] key, int numShards) {
        return shardOfSlot(slotOf(key), numShards);
    }

    /** The Redis Cluster hash slot of {@code key}. */
    public static int slotOf(byte[] key) {
        int open = indexOf(key, (byte) '{', 0);
        if (open >= 0) {
            int close = indexOf(key, (byte) '}', open + 1);
            if (close > open + 1) {
                return crc16(key, open + 1, close) & (SLOTS - 1);
            }
        }
        return crc16(key, 0, key.length) & (SLOTS - 1);
    }

    /** The shard holding {@code slot}. */
    public static int shardOfSlot(int slot, int numShards) {
        check(numShards);
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("slot must be in [0, " + SLOTS + "), was " + slot);
        }
        return (int) ((long) slot * numShards / SLOTS);
    }

    /** The first slot of {@code shard}. */
    public static int firstSlot(int shard, int numShards) {
        check(numShards);
        if (shard < 0 || shard >= numShards) {
            throw new IllegalArgumentException("shard must be in [0, " + numShards + "), was " + shard);
        }
        return (int) (((long) shard * SLOTS + numShards - 1) / numShards);
    }

    /** The last slot of {@code shard} (inclusive). */
    public static int lastSlot(int shard, int numShards) {
        return shard == numShards - 1 ? SLOTS - 1 : firstSlot(shard + 1, numShards) - 1;
    }

    /** Why {@code numShards} cannot be a cluster's number of shards, or null if it can. */
    public static String invalidCount(int numShards) {
        if (numShards < 1 || numShards > MAX_SHARDS) {
            return "the number of shards must be from 1 to " + MAX_SHARDS + " (one per hash slot), not " + numShards;
        }
        return null;
    }

    private static void check(int numShards) {
        String problem = invalidCount(numShards);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** CRC-16/XMODEM (polynomial 0x1021, initial value 0), the checksum Redis Cluster hashes keys with. */
    static int crc16(byte[] bytes, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc = ((crc << 8) ^ CRC16_TABLE[((crc >>> 8) ^ bytes[i]) & 0xff]) & 0xffff;
        }
        return crc;
    }

    private static int[] crc16Table() {
        int[] table = new int[256];
        for (int n = 0; n < 256; n++) {
            int c = n << 8;
            for (int bit = 0; bit < 8; bit++) {
                c = (c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1;
            }
            table[n] = c & 0xffff;
        }
        return table;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
