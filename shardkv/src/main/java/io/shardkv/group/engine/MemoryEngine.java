package io.shardkv.group.engine;

/** Every shard's data in the Java heap ({@link MemoryShardData}): nothing survives the process. */
public final class MemoryEngine implements GroupEngine {

    public static final MemoryEngine INSTANCE = new MemoryEngine();

    private MemoryEngine() {
    }

    @Override
    public ShardData newShard(int shard) {
        return new MemoryShardData();
    }

    /** Nothing to let go: the shards' data is the heap's, and goes with the state machine. */
    @Override
    public void close() {
    }
}
