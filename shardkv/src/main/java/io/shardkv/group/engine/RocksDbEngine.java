package io.shardkv.group.engine;

import io.shardkv.kv.Key;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's shard data in one RocksDB ({@link RocksDbKeys} lays the shards out as ranges of one
 * key space). RocksDB's own write-ahead log is off: the Raft log already holds every change, and
 * the state is rebuilt from the Raft snapshot and log when the replica starts, so what this engine
 * held before it was opened is destroyed at open (and memtables are not flushed at close).
 *
 * <p>Threads: the node's thread reads and writes the shards; captures are read on others (a
 * snapshot being written), each at a RocksDB snapshot; dropped shards are compacted away on a
 * thread of the engine's own; metrics read its figures. Every native call runs under the read lock
 * and after a check that the engine is open, and {@link #close} takes the write lock: a call after
 * close, on any thread, is an {@link EngineException}, never a call on a freed handle (which would
 * crash the JVM). Scans check between entries, so a capture being read ends at its next entry.
 */
public final class RocksDbEngine implements GroupEngine {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDbEngine.class);

    static {
        RocksDB.loadLibrary();
    }

    /** A native call, made under {@link #guarded}. */
    @FunctionalInterface
    private interface NativeCall<T> {
        T run() throws RocksDBException;
    }

    private final Path dir;
    private final LRUCache cache;
    private final BloomFilter bloom;
    private final Options options;
    private final RocksDB db;
    private final WriteOptions writes;
    private final ReadOptions reads;
    private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
    private volatile boolean closing;
    /** The data object of each shard held (node thread): at most one per shard writes its range. */
    private final Map<Integer, RocksDbShardData> live = new HashMap<>();
    private final Set<CapturePoint> points = ConcurrentHashMap.newKeySet();
    /** The latest capture point and the write count when it was taken: captures with no write between share it. */
    private CapturePoint latest;
    private long writeCount;
    private long writeCountAtLatest;
    private final ExecutorService compactor;
    /** Not exclusive: automatic compactions go on beside it, or L0 would pile up and stall writes. */
    private final CompactRangeOptions compaction = new CompactRangeOptions().setExclusiveManualCompaction(false);
    /** The span of dropped ranges not yet compacted (null: none), guarded by {@link #pendingLock}; one task compacts it. */
    private final Object pendingLock = new Object();
    private byte[] pendingStart;
    private byte[] pendingEnd;

    private RocksDbEngine(Path dir, EngineSettings settings) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        this.cache = new LRUCache(settings.blockCacheBytes());
        this.bloom = new BloomFilter(10);
        this.options = new Options()
                .setCreateIfMissing(true)
                .setTableFormatConfig(new BlockBasedTableConfig()
                        .setBlockCache(cache)
                        .setCacheIndexAndFilterBlocks(true)
                        .setPinL0FilterAndIndexBlocksInCache(true)
                        .setFilterPolicy(bloom))
                .setWriteBufferSize(settings.writeBufferBytes())
                .setMaxWriteBufferNumber(2)
                .setMaxBackgroundJobs(2)
                .setAvoidFlushDuringShutdown(true)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(3)
                .setMaxLogFileSize(16L << 20);
        try {
            // DestroyDB takes the database's lock first: a directory another process has open is refused, not destroyed.
            RocksDB.destroyDB(dir.toString(), options);
            this.db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            closeOptions();
            compaction.close();
            throw new IOException("cannot open the RocksDB engine in " + dir + ": " + e.getMessage(), e);
        }
        this.writes = new WriteOptions().setDisableWAL(true);
        this.reads = new ReadOptions();
        this.compactor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "engine-compactor " + dir);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Creates the engine in {@code dir} afresh, destroying what an earlier run left there: the
     * replica rebuilds its state from the Raft snapshot and log. Fails if another process has it open.
     */
    static RocksDbEngine open(Path dir, EngineSettings settings) throws IOException {
        return new RocksDbEngine(dir, settings);
    }

    @Override
    public ShardData newShard(int shard) {
        if (live.containsKey(shard)) {
            throw new IllegalStateException("shard " + shard + " is already held: drop it before making it anew");
        }
        // Its range is empty: the engine started empty, and a dropped shard's range was deleted.
        RocksDbShardData data = new RocksDbShardData(this, shard);
        live.put(shard, data);
        return data;
    }

    /** {@code data}, the shard's live object (it refuses a second drop itself), lets its shard go. */
    void dropped(RocksDbShardData data) {
        live.remove(data.shard());
        byte[] start = RocksDbKeys.shardStart(data.shard());
        byte[] end = RocksDbKeys.shardStart(data.shard() + 1);
        guarded("delete shard " + data.shard(), () -> {
            db.deleteRange(writes, start, end);
            return null;
        });
        writeCount++;
        compactAway(start, end);
    }

    /**
     * Frees the disk a deleted range took, in the background (captures still see what they
     * captured). Ranges dropped while a compaction is pending join its span: a restore dropping
     * every shard makes one compaction, not one per shard.
     */
    private void compactAway(byte[] start, byte[] end) {
        synchronized (pendingLock) {
            if (pendingStart != null) {
                pendingStart = Arrays.compareUnsigned(start, pendingStart) < 0 ? start : pendingStart;
                pendingEnd = Arrays.compareUnsigned(end, pendingEnd) > 0 ? end : pendingEnd;
                return;
            }
            pendingStart = start;
            pendingEnd = end;
        }
        compactor.execute(() -> {
            byte[] from;
            byte[] to;
            synchronized (pendingLock) {
                from = pendingStart;
                to = pendingEnd;
                pendingStart = null;
                pendingEnd = null;
            }
            try {
                guarded("compact a deleted range", () -> {
                    db.compactRange(db.getDefaultColumnFamily(), from, to, compaction);
                    return null;
                });
            } catch (EngineException e) {
                if (!closing) {
                    LOG.warn("engine {}: compacting a deleted range failed (its space is freed later): {}", dir,
                            e.getMessage());
                }
            }
        });
    }

    byte[] get(byte[] key) {
        return guarded("read", () -> db.get(reads, key));
    }

    void put(byte[] key, byte[] value) {
        guarded("write", () -> {
            db.put(writes, key, value);
            return null;
        });
        writeCount++;
    }

    void delete(byte[] key) {
        guarded("delete", () -> {
            db.delete(writes, key);
            return null;
        });
        writeCount++;
    }

    /** Runs {@code call} unless the engine is closing, with RocksDB's errors as {@link EngineException}s. */
    private <T> T guarded(String what, NativeCall<T> call) {
        Lock l = open.readLock();
        l.lock();
        try {
            checkOpen();
            return call.run();
        } catch (RocksDBException e) {
            throw new EngineException("the RocksDB engine in " + dir + " failed to " + what + ": " + e.getMessage(), e);
        } finally {
            l.unlock();
        }
    }

    private void checkOpen() {
        if (closing) {
            throw new EngineException("the RocksDB engine in " + dir + " is closed");
        }
    }

    /**
     * Gives {@code visitor} the entries of {@code shard} after {@code after} as of {@code point}
     * (null: now), in key order, until it answers false.
     */
    void scan(int shard, Key after, EntryVisitor visitor, CapturePoint point) {
        byte[] start = after == null ? RocksDbKeys.shardStart(shard) : RocksDbKeys.dataKey(shard, after.bytes());
        guarded("scan shard " + shard, () -> {
            try (Slice end = new Slice(RocksDbKeys.shardStart(shard + 1));
                 ReadOptions ro = new ReadOptions().setIterateUpperBound(end);
                 RocksIterator it = db.newIterator(point == null ? ro : ro.setSnapshot(point.snapshot))) {
                it.seek(start);
                if (after != null && it.isValid() && Arrays.equals(it.key(), start)) {
                    it.next();
                }
                for (; it.isValid(); it.next()) {
                    checkOpen();
                    if (!visitor.visit(new Key(RocksDbKeys.userKey(it.key())), it.value())) {
                        return null;
                    }
                }
                it.status();
            }
            return null;
        });
    }

    /** A capture of {@code shard}, which holds {@code size} entries now. */
    ShardView capture(int shard, long size) {
        CapturePoint point = latest != null && writeCountAtLatest == writeCount && latest.retain() ? latest : null;
        if (point == null) {
            point = new CapturePoint(guarded("capture", db::getSnapshot));
            points.add(point);
            latest = point;
            writeCountAtLatest = writeCount;
        }
        return new RocksDbCapture(this, shard, size, point);
    }

    /** A RocksDB snapshot shared by the captures taken with no write between them; released with the last. */
    final class CapturePoint {
        final Snapshot snapshot;
        private int refs = 1;

        private CapturePoint(Snapshot snapshot) {
            this.snapshot = snapshot;
        }

        /** One more capture reads here; false if the last one has released it already. */
        synchronized boolean retain() {
            if (refs == 0) {
                return false;
            }
            refs++;
            return true;
        }

        void release() {
            synchronized (this) {
                if (--refs > 0) {
                    return;
                }
            }
            Lock l = open.readLock();
            l.lock();
            try {
                // Gone from the set once close has released it.
                if (points.remove(this)) {
                    db.releaseSnapshot(snapshot);
                }
            } finally {
                l.unlock();
            }
        }
    }

    /** Bytes of the table files on disk (compressed; versions a capture still holds included). */
    public long tableBytes() {
        return property("rocksdb.total-sst-files-size");
    }

    /** Bytes of the memtables: writes not yet flushed to table files, bounded by twice the write buffer. */
    public long memtableBytes() {
        return property("rocksdb.cur-size-all-mem-tables");
    }

    /** Bytes the block cache holds now, bounded by its setting. */
    public long blockCacheBytes() {
        return property("rocksdb.block-cache-usage");
    }

    /** One of RocksDB's figures; 0 once the engine closes (a scrape racing the shutdown). */
    private long property(String name) {
        Lock l = open.readLock();
        l.lock();
        try {
            return closing ? 0 : db.getLongProperty(name);
        } catch (RocksDBException e) {
            throw new EngineException("the RocksDB engine in " + dir + " failed to read " + name + ": " + e.getMessage(), e);
        } finally {
            l.unlock();
        }
    }

    /** Flushes the memtables to table files (tests: to see what is on disk). */
    void flush() {
        guarded("flush", () -> {
            try (FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
                db.flush(wait);
            }
            return null;
        });
    }

    /** {@link #close} has begun. */
    boolean closing() {
        return closing;
    }

    /** Idempotent: a replica closing after a failed start may close its engine twice. */
    @Override
    public synchronized void close() {
        if (closing) {
            return;
        }
        closing = true;
        compaction.setCanceled(true);
        compactor.shutdownNow();
        Lock l = open.writeLock();
        l.lock();
        try {
            for (CapturePoint p : points) {
                db.releaseSnapshot(p.snapshot);
            }
            points.clear();
            writes.close();
            reads.close();
            db.close();
        } finally {
            l.unlock();
            closeOptions();
        }
        try {
            compactor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        compaction.close();
    }

    private void closeOptions() {
        options.close();
        bloom.close();
        cache.close();
    }
}
