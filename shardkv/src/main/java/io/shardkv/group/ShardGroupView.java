package io.shardkv.group;

import java.util.SortedMap;

/**
 * A point-in-time view of one replica's shard group state, for tests, status and metrics.
 *
 * @param configNum the configuration the replica has applied
 * @param settled   nothing to pull, to garbage-collect or waiting to be pulled
 * @param shards    the state of every shard the replica holds, by shard
 * @param keys      how many keys each held shard has, by shard
 */
public record ShardGroupView(long configNum, boolean settled, SortedMap<Integer, ShardState> shards,
                             SortedMap<Integer, Integer> keys) {
}
