package io.shardkv.group.engine;

import io.shardkv.kv.KvMap;

/**
 * One shard's data in its group's engine: read and changed on the node's thread, as the state
 * machine applies the log (writes, installed chunks) and answers reads and pulls.
 */
public interface ShardData extends KvMap, ShardView {

    /**
     * The data as of now, readable on any thread however the shard changes afterwards: what a
     * snapshot writes while the node goes on.
     */
    ShardView capture();

    /**
     * The group lets the shard go (deleted after a hand-off, or replaced by a restore): the engine
     * may free its space. Captures taken before keep reading what they captured; this object is
     * not used again.
     */
    void drop();
}
