package io.shardkv.raft.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.DurableState;
import io.shardkv.raft.core.HardState;
import io.shardkv.raft.core.SnapshotBytes;
import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.quorum.JointConfig;
import io.shardkv.raft.core.quorum.MajorityConfig;
import io.shardkv.raft.core.tracker.MembershipConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A seeded directory (a restore) opens as one snapshot, its hard state at the snapshot, and no log. */
class RaftStorageSeedTest {

    @TempDir
    Path tmp;

    @Test
    void aSeededDirectoryOpensAtItsSnapshot() throws IOException {
        MembershipConfig members = new MembershipConfig(JointConfig.of(MajorityConfig.of(List.of(1, 2, 3))),
                Collections.emptySortedSet(), new TreeMap<>(Map.of(1, "h1:7001", 2, "h2:7001", 3, "h3:7001")));
        SnapshotMeta meta = new SnapshotMeta(812, 1, members);
        byte[] image = "restored state".getBytes(StandardCharsets.UTF_8);
        Path dir = tmp.resolve("replica");
        RaftStorage.seed(dir, meta, out -> out.write(image), StorageOptions.DEFAULTS);

        try (RaftStorage storage = RaftStorage.open(dir, StorageOptions.DEFAULTS)) {
            DurableState state = storage.recoveredState();
            assertEquals(meta, state.snapshot().meta());
            assertArrayEquals(image, SnapshotBytes.of(state.snapshot()));
            assertEquals(new HardState(1, 0, 812), state.hardState());
            assertTrue(state.entries().isEmpty());
        }
    }

    @Test
    void aSeedThatFailsLeavesNothingAndCanBeRunAgain() throws IOException {
        Path dir = tmp.resolve("replica");
        SnapshotMeta meta = new SnapshotMeta(5, 1, List.of(1));
        IOException e = assertThrows(IOException.class, () -> RaftStorage.seed(dir, meta, out -> {
            out.write(new byte[1000]);
            throw new IOException("the backup file went away");
        }, StorageOptions.DEFAULTS));
        assertEquals("the backup file went away", e.getMessage());
        assertFalse(Files.exists(dir), "no half-seeded directory");
        RaftStorage.seed(dir, meta, out -> out.write(7), StorageOptions.DEFAULTS);
        try (RaftStorage storage = RaftStorage.open(dir, StorageOptions.DEFAULTS)) {
            assertArrayEquals(new byte[] {7}, SnapshotBytes.of(storage.recoveredState().snapshot()));
        }
    }

    @Test
    void onlyAnEmptyDirectoryIsSeeded() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(dir.resolve("hardstate"), "old");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RaftStorage.seed(dir,
                new SnapshotMeta(5, 1, List.of(1)), out -> out.write(1), StorageOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
        assertEquals("old", Files.readString(dir.resolve("hardstate")));
    }
}
