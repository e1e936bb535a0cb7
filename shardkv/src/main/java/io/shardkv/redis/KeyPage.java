package io.shardkv.redis;

import java.util.List;

/**
 * Some of the keys a replica holds, in (shard, key) order, and where the next page starts (null:
 * nothing follows). Keys are compared as unsigned bytes, as the shards keep them.
 */
public record KeyPage(List<byte[]> keys, Position next) {

    /** Just after key {@code after} of {@code shard}; {@code after} null: from the shard's first key. */
    public record Position(int shard, byte[] after) {

        public static final Position START = new Position(0, null);
    }
}
