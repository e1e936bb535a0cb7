package io.shardkv.redis;

import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import java.util.concurrent.CompletableFuture;

/**
 * What the RESP front end needs of the replica it runs in: to run key/value requests through the
 * replica (its log, or ReadIndex for reads), to know where a slot is served, and to describe the
 * cluster. Implemented by the shard group; a seam so the front end can be tested on its own.
 */
public interface RedisBackend {

    /** Runs {@code request} on this replica, answered within the replica's request timeout. */
    CompletableFuture<KvResponse> execute(KvRequest request);

    /**
     * Sends {@code request} — a write this replica took in but could not finish (its leadership or
     * the shard moved meanwhile) — unchanged to wherever the key is served now, following leaders
     * and configurations until {@code FORWARD_DEADLINE}; the shards' session tables, which move
     * with them, make it apply at most once.
     */
    CompletableFuture<KvResponse> forward(KvRequest request);

    /** Where {@code slot} is served, as this replica's state says now. */
    CompletableFuture<SlotRoute> route(int slot);

    /** The cluster as the configuration this replica has reached names it, with every group's replicas. */
    CompletableFuture<ClusterLayout> layout();

    /**
     * At most {@code limit} of the keys this replica holds in the shards its group serves, from
     * {@code from} through shard {@code lastShard}: its applied state, like DBSIZE, not a
     * linearizable read. A shard is skipped unless served here when the page is read.
     */
    CompletableFuture<KeyPage> keys(KeyPage.Position from, int lastShard, int limit);

    /** Keys this replica holds in the shards its group serves (DBSIZE). */
    CompletableFuture<Long> keyCount();

    /** This replica's stable Redis node id. */
    String nodeId();

    /** The cluster's shard count. */
    int numShards();
}
