package io.shardkv.group.engine;

/**
 * Where a shard group keeps its shards' data. The state machine holds one {@link ShardData} per
 * shard it holds, made here when it starts to hold the shard and let go when the shard is deleted.
 */
public interface GroupEngine {

    /** Empty data for {@code shard}, which the group starts to hold (taking it over, pulling it, or restoring it). */
    ShardData newShard(int shard);
}
