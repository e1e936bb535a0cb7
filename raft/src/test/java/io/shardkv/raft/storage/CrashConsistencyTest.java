package io.shardkv.raft.storage;

import static io.shardkv.raft.storage.StorageFixtures.assertSameEntries;
import static io.shardkv.raft.storage.StorageFixtures.copyDirectory;
import static io.shardkv.raft.storage.StorageFixtures.deleteDirectory;
import static io.shardkv.raft.storage.StorageFixtures.entries;
import static io.shardkv.raft.storage.StorageFixtures.segments;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.Entry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash can cut the newest segment anywhere after the last completed fsync. For every byte
 * offset across the last batches, cut the file there and recover: the log must come back as a
 * clean prefix — exactly the entries whose records lie wholly before the cut, which always
 * includes every batch synced before the cut batch — and must accept new appends afterwards.
 */
class CrashConsistencyTest {

    @TempDir
    Path tmp;

    @Test
    void cutAtEveryOffsetOfTheLastBatchesRecoversACleanPrefix() throws IOException {
        Random random = new Random(7);
        Path dir = tmp.resolve("original");
        StorageOptions options = StorageOptions.DEFAULTS.withSegmentBytes(8192);
        List<Entry> written = new ArrayList<>();
        List<Long> syncedEnds = new ArrayList<>();
        try (RaftStorage storage = RaftStorage.open(dir, options)) {
            long next = 1;
            for (int batch = 0; batch < 40; batch++) {
                List<Entry> b = entries(next, 1 + random.nextInt(6), 1 + batch / 10, random);
                storage.persist(StorageFixtures.append(b), null);
                written.addAll(b);
                next += b.size();
                syncedEnds.add(Files.size(segments(dir).get(segments(dir).size() - 1)));
            }
        }
        List<Path> segs = segments(dir);
        assertTrue(segs.size() >= 3, "the log should span several segments, has " + segs.size());
        Path last = segs.get(segs.size() - 1);
        long lastSize = Files.size(last);
        long firstInLast = Segment.firstIndexOf(last);
        List<Entry> before = written.stream().filter(e -> e.index() < firstInLast).toList();
        List<Entry> inLast = written.stream().filter(e -> e.index() >= firstInLast).toList();
        List<Long> recordEnds = recordEnds(inLast);

        int tested = 0;
        for (long cut = 0; cut <= lastSize; cut++) {
            Path copy = tmp.resolve("cut-" + cut);
            copyDirectory(dir, copy);
            truncate(copy.resolve(last.getFileName()), cut);
            List<Entry> expected = new ArrayList<>(before);
            for (int i = 0; i < inLast.size(); i++) {
                if (recordEnds.get(i) <= cut) {
                    expected.add(inLast.get(i));
                }
            }
            try (RaftStorage recovered = RaftStorage.open(copy, options)) {
                assertSameEntries(expected, recovered.recoveredState().entries(), "cut at " + cut);
                long nextIndex = expected.isEmpty() ? 1 : expected.get(expected.size() - 1).index() + 1;
                List<Entry> more = entries(nextIndex, 3, 99, random);
                recovered.persist(StorageFixtures.append(more), null);
                expected.addAll(more);
            }
            try (RaftStorage reopened = RaftStorage.open(copy, options)) {
                assertSameEntries(expected, reopened.recoveredState().entries(), "reopen after cut at " + cut);
            }
            deleteDirectory(copy);
            tested++;
        }
        System.out.println("crash consistency: " + tested + " cut offsets tested in " + last.getFileName()
                + " (" + inLast.size() + " records, " + syncedEnds.size() + " synced batches in all)");
        assertTrue(tested > 1000, "too few offsets: " + tested);
    }

    private static List<Long> recordEnds(List<Entry> entries) {
        List<Long> ends = new ArrayList<>();
        long pos = WalRecord.headerSize();
        for (Entry e : entries) {
            pos += WalRecord.size(e);
            ends.add(pos);
        }
        return ends;
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }
}
