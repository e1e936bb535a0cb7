package io.shardkv.group.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Which engine keeps a replica's shard data, and how much memory a RocksDB engine may use.
 *
 * @param kind             the engine
 * @param blockCacheBytes  RocksDB: the block cache, which also holds the index and filter blocks, so
 *                         reads of a large state stay within this much native memory
 * @param writeBufferBytes RocksDB: one memtable; at most two are held before they are flushed
 */
public record EngineSettings(Kind kind, long blockCacheBytes, long writeBufferBytes) {

    public enum Kind {
        /** Every shard in the Java heap: state is bounded by the heap and rebuilt from the Raft log at start. */
        MEMORY,
        /** Every shard in one RocksDB per replica, under {@code <data dir>/engine}: state is bounded by the disk. */
        ROCKSDB
    }

    public static final long DEFAULT_BLOCK_CACHE_BYTES = 256L << 20;
    public static final long DEFAULT_WRITE_BUFFER_BYTES = 64L << 20;
    /** Below this the index and filter blocks, which live in the cache, would be read from disk on every lookup. */
    public static final long MIN_BLOCK_CACHE_BYTES = 1L << 20;
    /** Below this a memtable flushes so often that writes stall. */
    public static final long MIN_WRITE_BUFFER_BYTES = 1L << 20;

    public static final EngineSettings MEMORY =
            new EngineSettings(Kind.MEMORY, DEFAULT_BLOCK_CACHE_BYTES, DEFAULT_WRITE_BUFFER_BYTES);
    public static final EngineSettings ROCKSDB =
            new EngineSettings(Kind.ROCKSDB, DEFAULT_BLOCK_CACHE_BYTES, DEFAULT_WRITE_BUFFER_BYTES);

    public EngineSettings {
        Objects.requireNonNull(kind, "kind");
        if (blockCacheBytes < MIN_BLOCK_CACHE_BYTES) {
            throw new IllegalArgumentException("the engine block cache must be at least " + MIN_BLOCK_CACHE_BYTES
                    + " bytes, was " + blockCacheBytes);
        }
        if (writeBufferBytes < MIN_WRITE_BUFFER_BYTES) {
            throw new IllegalArgumentException("the engine write buffer must be at least " + MIN_WRITE_BUFFER_BYTES
                    + " bytes, was " + writeBufferBytes);
        }
    }

    /** These settings with the RocksDB memory limits given. */
    public EngineSettings withMemory(long blockCacheBytes, long writeBufferBytes) {
        return new EngineSettings(kind, blockCacheBytes, writeBufferBytes);
    }

    /** Opens the engine of the replica whose data directory is {@code dataDir}. */
    public GroupEngine open(Path dataDir) throws IOException {
        return kind == Kind.MEMORY ? MemoryEngine.INSTANCE : RocksDbEngine.open(dataDir.resolve("engine"), this);
    }
}
