package io.shardkv.raft.storage;

import static io.shardkv.raft.storage.StorageFixtures.copyDirectory;
import static io.shardkv.raft.storage.StorageFixtures.deleteDirectory;
import static io.shardkv.raft.storage.StorageFixtures.entries;
import static io.shardkv.raft.storage.StorageFixtures.segments;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.shardkv.raft.core.MemorySnapshots;
import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.HardState;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotBytes;
import io.shardkv.raft.core.SnapshotMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage anywhere in durable state is detected, never silently accepted. Every byte of every file
 * gets a flipped bit (a different bit each time). Recovery must then either refuse to start with a
 * {@link CorruptStorageException} naming the file and offset, or — only for the length field of a
 * record in the newest segment, which cannot be told from a torn write — drop that record and
 * everything after it. It never returns an entry, hard state or snapshot that differs from what
 * was written.
 */
class BitFlipTest {

    @TempDir
    Path tmp;

    @Test
    void everyFlippedBitIsDetected() throws IOException {
        Random random = new Random(11);
        Path dir = tmp.resolve("original");
        StorageOptions options = StorageOptions.DEFAULTS.withSegmentBytes(4096);
        List<Entry> written = new ArrayList<>();
        Snapshot snap = new Snapshot(new SnapshotMeta(5, 1, List.of(1, 2, 3)), MemorySnapshots.of("state-at-5".getBytes()));
        HardState hs = new HardState(3, 2, 0);
        try (RaftStorage storage = RaftStorage.open(dir, options)) {
            long next = 1;
            for (int batch = 0; batch < 30; batch++) {
                List<Entry> b = entries(next, 1 + random.nextInt(4), 1 + batch / 10, random);
                storage.persist(StorageFixtures.hardState(batch == 0 ? hs : null, b), null);
                written.addAll(b);
                next += b.size();
            }
            StorageFixtures.save(storage, snap);
        }
        List<Entry> expectedTail = written.stream().filter(e -> e.index() > 5).toList();
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        Path newestSegment = segments(dir).get(segments(dir).size() - 1);
        int flips = 0;
        int refused = 0;
        int truncated = 0;
        for (Path file : files) {
            byte[] original = Files.readAllBytes(file);
            for (int offset = 0; offset < original.length; offset++) {
                Path copy = tmp.resolve("flip");
                copyDirectory(dir, copy);
                byte[] damaged = original.clone();
                damaged[offset] ^= (byte) (1 << (offset % 8));
                Files.write(copy.resolve(file.getFileName()), damaged);
                flips++;
                try (RaftStorage recovered = RaftStorage.open(copy, options)) {
                    List<Entry> got = recovered.recoveredState().entries();
                    assertTrue(file.equals(newestSegment), "damage to " + file.getFileName() + " at " + offset
                            + " was accepted");
                    assertTrue(got.size() < expectedTail.size(), "damage to " + file.getFileName() + " at " + offset
                            + " went unnoticed");
                    StorageFixtures.assertSameEntries(expectedTail.subList(0, got.size()), got,
                            "prefix kept after damage at " + offset);
                    assertEquals(hs.term(), recovered.recoveredState().hardState().term());
                    assertArrayEquals(SnapshotBytes.of(snap), SnapshotBytes.of(recovered.recoveredState().snapshot()));
                    truncated++;
                } catch (CorruptStorageException e) {
                    assertEquals(file.getFileName(), e.file().getFileName(), "the error names the damaged file");
                    refused++;
                }
                deleteDirectory(copy);
            }
        }
        System.out.println("bit flips: " + flips + " across " + files.size() + " files; " + refused
                + " refused with CorruptStorageException, " + truncated + " cut as a torn tail of the newest segment");
        assertTrue(refused > 0 && flips == refused + truncated);
    }

    @Test
    void damagedNewestSnapshotIsAnErrorNotAFallback() throws IOException {
        Path dir = tmp.resolve("snap");
        try (RaftStorage storage = RaftStorage.open(dir, StorageOptions.DEFAULTS)) {
            storage.persist(StorageFixtures.append(entries(1, 5, 1, new Random(1))), null);
            StorageFixtures.save(storage, new Snapshot(new SnapshotMeta(5, 1, List.of(1)), MemorySnapshots.of(new byte[100])));
        }
        Path snapFile = SnapshotFiles.path(dir, 5);
        byte[] bytes = Files.readAllBytes(snapFile);
        bytes[bytes.length / 2] ^= 1;
        Files.write(snapFile, bytes);
        CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> RaftStorage.open(dir,
                StorageOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void recordCutShortInAnOlderSegmentIsCorruptionNotATornWrite() throws IOException {
        Path dir = tmp.resolve("older");
        StorageOptions options = StorageOptions.DEFAULTS.withSegmentBytes(4096);
        try (RaftStorage storage = RaftStorage.open(dir, options)) {
            long next = 1;
            for (int i = 0; i < 20; i++) {
                List<Entry> b = entries(next, 4, 1, new Random(i));
                storage.persist(StorageFixtures.append(b), null);
                next += b.size();
            }
        }
        Path oldest = segments(dir).get(0);
        byte[] bytes = Files.readAllBytes(oldest);
        Files.write(oldest, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        try {
            RaftStorage.open(dir, options).close();
            fail("a short record in an older segment must not be taken for a torn write");
        } catch (CorruptStorageException e) {
            assertEquals(oldest.getFileName(), e.file().getFileName());
            assertTrue(e.getMessage().contains("not the newest"), e.getMessage());
        }
    }
}
