package io.shardkv.group.engine;

/**
 * Where a shard group keeps its shards' data. The state machine holds one {@link ShardData} per
 * shard it holds, made here when it starts to hold the shard and {@linkplain ShardData#drop
 * dropped} when it lets the shard go. One engine serves one replica; it is closed after the
 * replica's node has stopped.
 */
public interface GroupEngine extends AutoCloseable {

    /**
     * Empty data for {@code shard}, which the group starts to hold (taking it over, pulling it, or
     * restoring it). Whatever the engine kept of the shard before is gone.
     */
    ShardData newShard(int shard);

    /**
     * The writes made since the last commit are one step of the group's state (an applied entry,
     * or a part of a restore). Engines that keep nothing beyond the process have nothing to do.
     */
    default void commit() {
    }

    /** Lets go of what the engine holds open; captures still being read end with an error. */
    @Override
    void close();
}
