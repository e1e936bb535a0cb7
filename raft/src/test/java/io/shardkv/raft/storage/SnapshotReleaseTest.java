package io.shardkv.raft.storage;

import static io.shardkv.raft.storage.StorageFixtures.assertSameEntries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.MemorySnapshots;
import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a local snapshot frees on disk: every log byte it covers, the active segment's included. */
class SnapshotReleaseTest {

    @TempDir
    Path dir;

    private static Snapshot snapshot(long index) {
        return new Snapshot(new SnapshotMeta(index, 1, List.of(1, 2, 3)), MemorySnapshots.of(new byte[] {42}));
    }

    @Test
    void aSnapshotOfTheWholeLogLeavesNoSegmentAndTheLogContinuesAfterIt() throws IOException {
        Random random = new Random(7);
        List<Entry> after = StorageFixtures.entries(11, 2, 1, random);
        try (RaftStorage storage = RaftStorage.open(dir, StorageOptions.DEFAULTS)) {
            storage.persist(StorageFixtures.append(StorageFixtures.entries(1, 10, 1, random)), null);
            StorageFixtures.save(storage, snapshot(5));
            assertEquals(1, StorageFixtures.segments(dir).size(), "entries 6-10 are not covered yet");
            StorageFixtures.save(storage, snapshot(10));
            assertEquals(List.of(), StorageFixtures.segments(dir), "the snapshot covers every entry");
            storage.persist(StorageFixtures.append(after), null);
        }
        try (RaftStorage reopened = RaftStorage.open(dir, StorageOptions.DEFAULTS)) {
            List<Entry> entries = reopened.recoveredState().entries();
            assertEquals(10, reopened.recoveredState().snapshot().index());
            assertSameEntries(after, entries, "entries after the snapshot");
            long segmentBytes = 0;
            for (Path p : StorageFixtures.segments(dir)) {
                segmentBytes += Files.size(p);
            }
            assertTrue(segmentBytes < 1000, "only entries 11-12 stay on disk, found " + segmentBytes + " bytes");
        }
    }
}
