package io.shardkv.group.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.kv.Key;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the RocksDB engine does beyond the contract: its files, its lifecycle, misuse. */
class RocksDbEngineTest {

    private static final EngineSettings SMALL = EngineSettings.ROCKSDB.withMemory(8 << 20, 1 << 20);

    @TempDir
    Path dir;
    private RocksDbEngine engine;

    @BeforeEach
    void open() throws IOException {
        engine = (RocksDbEngine) SMALL.open(dir);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    /** 1 KiB that does not compress. */
    private static byte[] value(int i) {
        byte[] v = new byte[1024];
        new Random(i).nextBytes(v);
        return v;
    }

    /** {@code n} keys of 1 KiB that does not compress: enough to flush 1 MiB memtables to table files. */
    private static void fill(ShardData d, int n) {
        for (int i = 0; i < n; i++) {
            d.put(key(i), value(i));
        }
    }

    private static Key key(int i) {
        return new Key(ByteBuffer.allocate(4).putInt(i).array());
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefusedWithTheReason() {
        IOException e = assertThrows(IOException.class, () -> SMALL.open(dir));
        assertTrue(e.getMessage().contains(dir.resolve("engine").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("lock"), e.getMessage());
    }

    @Test
    void aShardIsHeldOnceAndItsDroppedDataIsNotUsedAgain() {
        ShardData d = engine.newShard(4);
        assertThrows(IllegalStateException.class, () -> engine.newShard(4));
        d.drop();
        assertThrows(IllegalStateException.class, () -> d.get(key(1)));
        assertThrows(IllegalStateException.class, d::drop);
        engine.newShard(4).put(key(1), new byte[1]);
    }

    @Test
    void droppingAShardFreesItsDisk() throws Exception {
        ShardData d = engine.newShard(7);
        fill(d, 4_000);
        engine.commit();
        engine.persist();
        long full = engine.tableBytes();
        assertTrue(full > 1_000_000, "4 MB of values on disk: " + full);
        d.drop();
        engine.commit();
        awaitTableBytesAtMost(full / 10, "compacted away, of " + full);
    }

    /** Compaction runs in the background: waits for it (a minute at most), then checks. */
    private void awaitTableBytesAtMost(long limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (engine.tableBytes() > limit && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(engine.tableBytes() <= limit, what + ": " + engine.tableBytes() + " bytes of table files left");
    }

    @Test
    void reopeningKeepsWhatWasPersistedAndLosesOnlyLaterCommits() throws Exception {
        ShardData d = engine.newShard(2);
        d.put(key(1), value(1));
        engine.putRecord(new byte[] {'x'}, new byte[] {1});
        engine.commit();
        engine.persist();
        d.put(key(2), value(2));
        d.remove(key(1));
        engine.putRecord(new byte[] {'x'}, new byte[] {2});
        engine.commit();
        engine.close(); // memtables are not flushed at close: as a crash would, this loses the last commit

        engine = (RocksDbEngine) SMALL.open(dir);
        ShardData reopened = engine.reopenShard(2, 1);
        assertArrayEquals(value(1), reopened.get(key(1)));
        assertNull(reopened.get(key(2)));
        assertArrayEquals(new byte[] {1}, engine.record(new byte[] {'x'}));
    }

    @Test
    void writesAreReadBackBeforeTheyAreCommittedAndScansCommitThem() {
        ShardData d = engine.newShard(3);
        d.put(key(1), value(1));
        d.put(key(2), value(2));
        d.remove(key(2));
        assertArrayEquals(value(1), d.get(key(1)));
        assertNull(d.get(key(2)));
        assertEquals(1, d.size());
        List<Key> seen = new ArrayList<>();
        d.scan(null, (k, v) -> seen.add(k));
        assertEquals(List.of(key(1)), seen);
    }

    @Test
    void recordsDeletedByRangeReadAsAbsentBeforeTheCommit() {
        engine.putRecord(new byte[] {'s', 1}, new byte[] {1});
        engine.putRecord(new byte[] {'s', 3}, new byte[] {3});
        engine.commit();
        engine.deleteRecords(new byte[] {'s', 0}, new byte[] {'s', 2});
        assertNull(engine.record(new byte[] {'s', 1}));
        assertArrayEquals(new byte[] {3}, engine.record(new byte[] {'s', 3}));
        engine.putRecord(new byte[] {'s', 1}, new byte[] {9});
        assertArrayEquals(new byte[] {9}, engine.record(new byte[] {'s', 1}), "written after the range delete");
        engine.commit();
        assertArrayEquals(new byte[] {9}, engine.record(new byte[] {'s', 1}));
    }

    @Test
    void aShardDroppedAndMadeAnewInOneStepStartsEmpty() {
        ShardData d = engine.newShard(5);
        d.put(key(1), value(1));
        engine.commit();
        d.put(key(2), value(2));
        d.drop();
        ShardData again = engine.newShard(5);
        assertNull(again.get(key(1)));
        assertNull(again.get(key(2)));
    }

    @Test
    void anEngineThatCannotBeOpenedIsMadeAnew() throws Exception {
        ShardData d = engine.newShard(2);
        d.put(key(1), value(1));
        engine.commit();
        engine.persist();
        engine.close();
        try (Stream<Path> files = Files.list(dir.resolve("engine"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("MANIFEST")).toList()) {
                Files.write(f, new byte[64]); // torn: the manifest's records fail their checksums
            }
        }
        engine = (RocksDbEngine) SMALL.open(dir);
        assertNull(engine.reopenShard(2, 0).get(key(1)), "made anew, empty: the replica rebuilds its state");
    }

    @Test
    void aReleasedCaptureIsNotReadAgain() {
        ShardData d = engine.newShard(1);
        d.put(key(1), new byte[1]);
        ShardView captured = d.capture();
        captured.release();
        captured.release();
        assertThrows(IllegalStateException.class, () -> captured.scan(null, (k, v) -> true));
    }

    @Test
    void callsAfterCloseAreErrorsNotCrashes() {
        ShardData d = engine.newShard(1);
        d.put(key(1), new byte[1]);
        engine.close();
        assertThrows(EngineException.class, () -> d.get(key(1)));
        assertThrows(EngineException.class, () -> d.put(key(2), new byte[1]));
        assertThrows(EngineException.class, () -> d.remove(key(1)));
        assertThrows(EngineException.class, () -> d.scan(null, (k, v) -> true));
        assertThrows(EngineException.class, d::capture);
        assertThrows(EngineException.class, d::drop);
        assertEquals(0, engine.tableBytes(), "a scrape racing the shutdown reads 0");
    }

    @Test
    void closingEndsACaptureBeingReadWithAnError() throws Exception {
        ShardData d = engine.newShard(1);
        for (int i = 0; i < 100; i++) {
            d.put(key(i), new byte[8]);
        }
        ShardView captured = d.capture();
        AtomicLong visited = new AtomicLong();
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> captured.scan(null, (k, v) -> {
            visited.incrementAndGet();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!engine.closing() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            return true;
        }));
        while (visited.get() == 0) {
            Thread.onSpinWait();
        }
        engine.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> reading.get(30, TimeUnit.SECONDS));
        assertInstanceOf(EngineException.class, e.getCause());
        assertEquals(1, visited.get(), "the scan stopped at the next entry");
    }
}
