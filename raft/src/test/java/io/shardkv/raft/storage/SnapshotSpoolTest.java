package io.shardkv.raft.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotBytes;
import io.shardkv.raft.core.SnapshotData;
import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.SnapshotSpool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A leader's snapshot spooled into the node's directory as it arrives, then persisted by a rename. */
class SnapshotSpoolTest {

    @TempDir
    Path dir;

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void chunksGoToATemporaryFileThatPersistingPutsInPlace() throws IOException {
        Random random = new Random(3);
        byte[] image = new byte[300_000];
        random.nextBytes(image);
        SnapshotMeta meta = new SnapshotMeta(40, 3, List.of(1, 2, 3));
        try (RaftStorage storage = RaftStorage.open(dir, StorageOptions.DEFAULTS)) {
            storage.persist(StorageFixtures.append(StorageFixtures.entries(1, 10, 1, random)), null);
            SnapshotSpool.Receiving receiving = storage.snapshotSpool().begin(meta, image.length);
            for (int offset = 0; offset < image.length; offset += 7_000) {
                receiving.append(Arrays.copyOfRange(image, offset, Math.min(image.length, offset + 7_000)));
            }
            SnapshotData spooled = receiving.finish();
            assertEquals(image.length, spooled.size());
            assertArrayEquals(Arrays.copyOfRange(image, 123_456, 130_000), spooled.read(123_456, 6_544));
            assertEquals(List.of("snapshot-00000000000000000040.snap.tmp"),
                    files().stream().filter(f -> f.startsWith("snapshot-")).toList());

            Snapshot received = new Snapshot(meta, spooled);
            Snapshot stored = storage.persist(StorageFixtures.install(received), received);
            assertEquals(meta, stored.meta());
            try (InputStream in = stored.data().open()) {
                assertArrayEquals(image, in.readAllBytes());
            }
            assertEquals(List.of("snapshot-00000000000000000040.snap"),
                    files().stream().filter(f -> f.startsWith("snapshot-")).toList());
        }
        try (RaftStorage reopened = RaftStorage.open(dir, StorageOptions.DEFAULTS)) {
            assertEquals(meta, reopened.recoveredState().snapshot().meta());
            assertArrayEquals(image, SnapshotBytes.of(reopened.recoveredState().snapshot()));
            assertEquals(List.of(), reopened.recoveredState().entries());
        }
    }

    @Test
    void anAbortedTransferLeavesNothing() throws IOException {
        try (RaftStorage storage = RaftStorage.open(dir, StorageOptions.DEFAULTS)) {
            SnapshotSpool.Receiving receiving = storage.snapshotSpool().begin(new SnapshotMeta(9, 1, List.of(1)), 100);
            receiving.append(new byte[60]);
            receiving.abort();
            assertEquals(List.of(), files().stream().filter(f -> f.startsWith("snapshot-")).toList());
        }
    }
}
