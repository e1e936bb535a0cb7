package io.shardkv.group.engine;

class MemoryShardDataTest extends ShardDataContract {

    @Override
    protected ShardData newData() {
        return MemoryEngine.INSTANCE.newShard(0);
    }
}
