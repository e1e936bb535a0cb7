package io.shardkv.rpc.migration;

/** Asks a shard-group replica which shards it holds and in which state: an operator's status view. */
public record ShardStatusRequest() {
}
