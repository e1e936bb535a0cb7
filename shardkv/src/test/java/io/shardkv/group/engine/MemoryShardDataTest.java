package io.shardkv.group.engine;

class MemoryShardDataTest extends ShardDataContract {

    @Override
    protected GroupEngine engine() {
        return MemoryEngine.INSTANCE;
    }
}
