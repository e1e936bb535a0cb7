package io.shardkv.group;

import io.shardkv.group.engine.EngineSettings;

/** The scenarios with every group replica's shards in RocksDB (small caches: nine engines in one JVM). */
class RocksDbShardServerTest extends ShardServerScenarios {

    @Override
    protected EngineSettings engine() {
        return EngineSettings.ROCKSDB.withMemory(8 << 20, 4 << 20);
    }
}
