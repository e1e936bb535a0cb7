package io.shardkv.group.engine;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a real RocksDB in a temporary directory. */
class RocksDbShardDataTest extends ShardDataContract {

    @TempDir
    Path dir;
    private GroupEngine engine;

    @BeforeEach
    void open() throws IOException {
        engine = EngineSettings.ROCKSDB.withMemory(8 << 20, 4 << 20).open(dir);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Override
    protected GroupEngine engine() {
        return engine;
    }
}
