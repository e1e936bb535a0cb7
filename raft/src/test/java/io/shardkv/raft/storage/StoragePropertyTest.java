package io.shardkv.raft.storage;

import static io.shardkv.raft.storage.StorageFixtures.assertSameEntries;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shardkv.raft.core.MemorySnapshots;
import io.shardkv.raft.core.DurableState;
import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.HardState;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotBytes;
import io.shardkv.raft.core.SnapshotMeta;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random sequences of appends, suffix replacements (conflicts), hard-state changes, local
 * snapshots, installed snapshots, clean restarts and crashes (reopening without closing) checked
 * against an in-memory model of what must be durable. Small segments make every operation cross
 * segment boundaries.
 */
class StoragePropertyTest {

    @TempDir
    Path tmp;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 40);
    }

    /** What the storage must return after a restart. */
    private static final class Model {
        Snapshot snapshot;
        final List<Entry> log = new ArrayList<>();
        long term = 1;
        int vote;

        long snapshotIndex() {
            return snapshot == null ? 0 : snapshot.index();
        }

        long lastIndex() {
            return log.isEmpty() ? snapshotIndex() : log.get(log.size() - 1).index();
        }

        long termAt(long index) {
            if (index == snapshotIndex()) {
                return snapshot == null ? 0 : snapshot.term();
            }
            return log.get((int) (index - snapshotIndex() - 1)).term();
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void storageMatchesModelThroughRandomOperations(long seed) throws IOException {
        Random random = new Random(seed);
        Path dir = tmp.resolve("node");
        StorageOptions options = StorageOptions.DEFAULTS.withSegmentBytes(4096)
                .withFsync(seed % 10 == 0 ? FsyncPolicy.ALWAYS : FsyncPolicy.NEVER);
        Model model = new Model();
        RaftStorage storage = RaftStorage.open(dir, options);
        try {
            for (int op = 0; op < 300; op++) {
                int kind = random.nextInt(100);
                if (kind < 45) {
                    long from = model.lastIndex() + 1;
                    storage.persist(StorageFixtures.append(appendTo(model, from, random)), null);
                } else if (kind < 60 && model.lastIndex() > model.snapshotIndex()) {
                    // A new leader's entries replace a suffix.
                    long from = model.snapshotIndex() + 1 + random.nextInt((int) (model.lastIndex() - model.snapshotIndex()));
                    model.term++;
                    storage.persist(StorageFixtures.append(appendTo(model, from, random)), null);
                } else if (kind < 68) {
                    model.term++;
                    model.vote = 1 + random.nextInt(3);
                    storage.persist(StorageFixtures.hardState(new HardState(model.term, model.vote, 0), List.of()), null);
                } else if (kind < 78 && model.lastIndex() > model.snapshotIndex()) {
                    long index = model.snapshotIndex() + 1 + random.nextInt((int) (model.lastIndex() - model.snapshotIndex()));
                    Snapshot snap = snapshot(index, model.termAt(index), random);
                    StorageFixtures.save(storage, snap);
                    model.log.subList(0, (int) (index - model.snapshotIndex())).clear();
                    model.snapshot = snap;
                } else if (kind < 84) {
                    // A leader's snapshot replaces the whole log.
                    long index = model.snapshotIndex() + 1 + random.nextInt(50);
                    model.term++;
                    Snapshot snap = snapshot(index, model.term, random);
                    storage.persist(StorageFixtures.install(snap), snap);
                    model.log.clear();
                    model.snapshot = snap;
                } else if (kind < 92) {
                    storage.close();
                    storage = reopenAndCheck(dir, options, model, "restart at op " + op);
                } else {
                    // kill -9: nothing is flushed or closed first.
                    RaftStorage abandoned = storage;
                    storage = reopenAndCheck(dir, options, model, "crash at op " + op);
                    abandoned.close();
                }
            }
        } finally {
            storage.close();
        }
        reopenAndCheck(dir, options, model, "final").close();
    }

    private static List<Entry> appendTo(Model model, long from, Random random) {
        List<Entry> batch = StorageFixtures.entries(from, 1 + random.nextInt(12), model.term, random);
        model.log.subList((int) (from - model.snapshotIndex() - 1), model.log.size()).clear();
        model.log.addAll(batch);
        return batch;
    }

    private static Snapshot snapshot(long index, long term, Random random) {
        byte[] data = new byte[random.nextInt(3000)];
        random.nextBytes(data);
        return new Snapshot(new SnapshotMeta(index, term, List.of(1, 2, 3)), MemorySnapshots.of(data));
    }

    private static RaftStorage reopenAndCheck(Path dir, StorageOptions options, Model model, String context)
            throws IOException {
        RaftStorage storage = RaftStorage.open(dir, options);
        DurableState state = storage.recoveredState();
        if (model.snapshot == null) {
            assertNull(state.snapshot(), context);
        } else {
            assertEquals(model.snapshot.index(), state.snapshot().index(), context);
            assertEquals(model.snapshot.term(), state.snapshot().term(), context);
            assertArrayEquals(SnapshotBytes.of(model.snapshot), SnapshotBytes.of(state.snapshot()), context);
        }
        assertSameEntries(model.log, state.entries(), context);
        if (model.vote != 0) {
            assertEquals(model.vote, state.hardState().vote(), context);
        }
        return storage;
    }
}
