package io.shardkv.group.engine;

import io.shardkv.kv.Key;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiPredicate;
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
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's whole group state in one RocksDB ({@link RocksDbKeys} lays the shards out as ranges
 * of one key space, the group's records after them). RocksDB's own write-ahead log is off: the
 * Raft log already holds every change, so a commit ({@link DurableEngine}) is one unsynced write
 * batch, and what a crash loses of the memtables is replayed from the Raft log. RocksDB installs
 * flushed memtables in the order they were written, so what survives is a prefix of the commits.
 * Memtables are not flushed at close: a replica that stops gracefully {@link #persist}s first.
 *
 * <p>A database RocksDB cannot open (torn or corrupt files) is destroyed and made anew, with a
 * WARN: the replica then rebuilds its state from the Raft snapshot and log, which always can.
 *
 * <p>Threads: the node's thread reads and writes the shards; captures are read on others (a
 * snapshot being written), each at a RocksDB snapshot; dropped shards are compacted away on a
 * thread of the engine's own; metrics read its figures. Every native call runs under the read lock
 * and after a check that the engine is open, and {@link #close} takes the write lock: a call after
 * close, on any thread, is an {@link EngineException}, never a call on a freed handle (which would
 * crash the JVM). Scans check between entries, so a capture being read ends at its next entry.
 */
public final class RocksDbEngine implements DurableEngine {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDbEngine.class);

    static {
        RocksDB.loadLibrary();
    }

    /** A native call, made under {@link #guarded}. */
    @FunctionalInterface
    private interface NativeCall<T> {
        T run() throws RocksDBException;
    }

    /** What {@link #gathered} holds for a key deleted since the last commit. */
    private static final byte[] DELETED = new byte[0];

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
    /** The writes gathered since the last commit (node thread), and the same as a map for reading them back. */
    private final WriteBatch batch = new WriteBatch();
    private final TreeMap<byte[], byte[]> gathered = new TreeMap<>(Arrays::compareUnsigned);
    /** The ranges deleted since the last commit, as {start, end} pairs: what they held reads as absent. */
    private final List<byte[][]> rangesGathered = new ArrayList<>();
    /** Shards dropped since the last commit: their ranges are compacted away once the drop is committed. */
    private final Set<Integer> droppedSinceCommit = new HashSet<>();
    private Runnable beforeCommit = () -> { };
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
            this.db = openOrRemake(dir, options);
        } catch (RocksDBException e) {
            closeOptions();
            compaction.close();
            batch.close();
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
     * Opens the engine in {@code dir} with what an earlier run left there (a new one if none).
     * Fails if another process has it open.
     */
    static RocksDbEngine open(Path dir, EngineSettings settings) throws IOException {
        return new RocksDbEngine(dir, settings);
    }

    private static RocksDB openOrRemake(Path dir, Options options) throws RocksDBException {
        try {
            return RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            if (e.getStatus() == null || e.getStatus().getCode() != Status.Code.Corruption) {
                throw e; // not its files: a lock held elsewhere, permissions, no space — the operator's to fix
            }
            // DestroyDB takes the database's lock first: a directory another process has open is
            // refused here, not destroyed.
            RocksDB.destroyDB(dir.toString(), options);
            LOG.warn("engine {}: could not be opened ({}); made anew, the replica rebuilds its state from its "
                    + "Raft snapshot and log", dir, e.getMessage());
            return RocksDB.open(options, dir.toString());
        }
    }

    @Override
    public ShardData newShard(int shard) {
        checkFree(shard);
        // A range deleted since the last commit reads as absent: the new shard does not see the old one's data.
        RocksDbShardData data = new RocksDbShardData(this, shard, 0);
        live.put(shard, data);
        return data;
    }

    @Override
    public ShardData reopenShard(int shard, long size) {
        checkFree(shard);
        RocksDbShardData data = new RocksDbShardData(this, shard, size);
        live.put(shard, data);
        return data;
    }

    private void checkFree(int shard) {
        if (live.containsKey(shard)) {
            throw new IllegalStateException("shard " + shard + " is already held: drop it before making it anew");
        }
    }

    /** {@code data}, the shard's live object (it refuses a second drop itself), lets its shard go. */
    void dropped(RocksDbShardData data) {
        live.remove(data.shard());
        byte[] start = RocksDbKeys.shardStart(data.shard());
        byte[] end = RocksDbKeys.shardStart(data.shard() + 1);
        gatherRange(start, end, "delete shard " + data.shard());
        droppedSinceCommit.add(data.shard());
    }

    private void gatherRange(byte[] start, byte[] end, String what) {
        guarded(what, () -> {
            batch.deleteRange(start, end);
            return null;
        });
        gathered.subMap(start, end).clear();
        rangesGathered.add(new byte[][] {start, end});
    }

    @Override
    public void beforeCommit(Runnable hook) {
        beforeCommit = hook;
    }

    @Override
    public void commit() {
        beforeCommit.run();
        if (gathered.isEmpty() && rangesGathered.isEmpty()) {
            return;
        }
        guarded("commit", () -> {
            db.write(writes, batch);
            batch.clear();
            return null;
        });
        gathered.clear();
        rangesGathered.clear();
        writeCount++;
        for (int shard : droppedSinceCommit) {
            compactAway(RocksDbKeys.shardStart(shard), RocksDbKeys.shardStart(shard + 1));
        }
        droppedSinceCommit.clear();
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
        checkOpen();
        byte[] value = gathered.get(key);
        if (value != null) {
            return value == DELETED ? null : value;
        }
        for (byte[][] range : rangesGathered) {
            if (Arrays.compareUnsigned(key, range[0]) >= 0 && Arrays.compareUnsigned(key, range[1]) < 0) {
                return null;
            }
        }
        return guarded("read", () -> db.get(reads, key));
    }

    void put(byte[] key, byte[] value) {
        guarded("write", () -> {
            batch.put(key, value);
            return null;
        });
        gathered.put(key, value);
    }

    void delete(byte[] key) {
        guarded("delete", () -> {
            batch.delete(key);
            return null;
        });
        gathered.put(key, DELETED);
    }

    @Override
    public byte[] record(byte[] key) {
        return get(RocksDbKeys.recordKey(key));
    }

    @Override
    public void putRecord(byte[] key, byte[] value) {
        put(RocksDbKeys.recordKey(key), value);
    }

    @Override
    public void deleteRecord(byte[] key) {
        delete(RocksDbKeys.recordKey(key));
    }

    @Override
    public void deleteRecords(byte[] start, byte[] end) {
        gatherRange(RocksDbKeys.recordKey(start), RocksDbKeys.recordKey(end), "delete records");
    }

    @Override
    public void scanRecords(byte[] prefix, BiPredicate<byte[], byte[]> visitor) {
        commit();
        byte[] start = RocksDbKeys.recordKey(prefix);
        byte[] after = Objects.requireNonNull(RocksDbKeys.after(start), "records come before the end of the key space");
        guarded("scan records", () -> {
            try (Slice end = new Slice(after);
                 ReadOptions ro = new ReadOptions().setIterateUpperBound(end);
                 RocksIterator it = db.newIterator(ro)) {
                for (it.seek(start); it.isValid(); it.next()) {
                    checkOpen();
                    if (!visitor.test(RocksDbKeys.recordName(it.key()), it.value())) {
                        return null;
                    }
                }
                it.status();
            }
            return null;
        });
    }

    @Override
    public void persist() {
        flush();
    }

    @Override
    public void clear() {
        if (!live.isEmpty()) {
            throw new IllegalStateException("the engine is cleared with shards " + live.keySet() + " still held");
        }
        gatherRange(RocksDbKeys.FIRST, RocksDbKeys.LAST, "clear");
        commit();
        compactAway(RocksDbKeys.FIRST, RocksDbKeys.LAST);
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
        if (point == null) {
            commit();
        }
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
        commit();
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

    /** Flushes the memtables to table files: what was written survives a crash. */
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
            batch.close();
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
