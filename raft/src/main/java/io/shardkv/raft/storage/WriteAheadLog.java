package io.shardkv.raft.storage;

import io.shardkv.raft.core.Entry;
import io.shardkv.rpc.LatencyHistogram;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft log on disk: append-only segment files of checksummed records (see {@link WalRecord}).
 * Appends are written at once and made durable by {@link #sync()}, one fsync per batch however many
 * entries it holds. Replacing a suffix (a follower's conflicting entries) cuts the files back and
 * makes the cut durable before anything new is written, so stale entries can never reappear
 * behind new ones after a crash.
 */
final class WriteAheadLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);

    private final Path dir;
    private final StorageOptions options;
    private final ArrayList<Segment> segments = new ArrayList<>();
    /** Closed-for-writing segments whose data still awaits an fsync. */
    private final List<Segment> unsynced = new ArrayList<>();
    private ByteBuffer batch = ByteBuffer.allocate(64 << 10);
    private long nextIndex;
    private boolean dirty;
    private boolean directoryDirty;

    private long syncs;
    private final LatencyHistogram syncLatency = new LatencyHistogram();
    private long entriesWritten;
    private long bytesWritten;

    private WriteAheadLog(Path dir, StorageOptions options) {
        this.dir = dir;
        this.options = options;
    }

    /**
     * Recovers the log in {@code dir} and returns it with the entries after the snapshot at
     * ({@code snapshotIndex}, {@code snapshotTerm}) appended to {@code out}. Entries that contradict
     * the snapshot (left behind by a crash while a leader's snapshot was being installed) are
     * discarded.
     */
    static WriteAheadLog open(Path dir, StorageOptions options, long snapshotIndex, long snapshotTerm,
                              List<Entry> out) throws IOException {
        WriteAheadLog wal = new WriteAheadLog(dir, options);
        List<Entry> all = new ArrayList<>();
        wal.recover(all);
        wal.nextIndex = wal.segments.isEmpty() ? snapshotIndex + 1 : wal.lastIndex() + 1;
        if (all.isEmpty()) {
            if (wal.nextIndex > snapshotIndex + 1) {
                throw new CorruptStorageException(wal.segments.get(0).path, 0, "log is empty from index "
                        + wal.nextIndex + " but the snapshot only covers up to " + snapshotIndex
                        + ": entries are missing");
            }
            if (!wal.segments.isEmpty() && wal.lastIndex() < snapshotIndex) {
                wal.resetAfter(snapshotIndex);
            }
            return wal;
        }
        long first = all.get(0).index();
        long last = all.get(all.size() - 1).index();
        if (first > snapshotIndex + 1) {
            throw new CorruptStorageException(wal.segments.get(0).path, 0, "log starts at index " + first
                    + " but the snapshot only covers up to " + snapshotIndex + ": entries are missing");
        }
        if (snapshotIndex > 0 && snapshotIndex >= first && snapshotIndex <= last
                && all.get((int) (snapshotIndex - first)).term() != snapshotTerm) {
            LOG.info("discarding log entries {}..{}: they conflict with the snapshot at {} (term {})",
                    first, last, snapshotIndex, snapshotTerm);
            wal.resetAfter(snapshotIndex);
            return wal;
        }
        if (last <= snapshotIndex) {
            wal.resetAfter(snapshotIndex);
            return wal;
        }
        out.addAll(all.subList((int) Math.max(0, snapshotIndex + 1 - first), all.size()));
        return wal;
    }

    private void recover(List<Entry> out) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Segment::isSegment).sorted(Comparator.comparingLong(Segment::firstIndexOf)).toList();
        }
        long previousTerm = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            boolean last = i == files.size() - 1;
            long firstIndex = Segment.firstIndexOf(file);
            if (!segments.isEmpty() && firstIndex != lastIndex() + 1) {
                throw new CorruptStorageException(file, 0, "segment starts at index " + firstIndex + " but "
                        + segments.get(segments.size() - 1).path.getFileName() + " ends at " + lastIndex());
            }
            SegmentScanner.Result r = SegmentScanner.scan(file, firstIndex, previousTerm, last);
            if (r.validBytes() < r.fileBytes()) {
                LOG.info("{}: truncating a torn final write at offset {} ({} bytes dropped)", file, r.validBytes(),
                        r.fileBytes() - r.validBytes());
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(r.validBytes());
                    ch.force(true);
                }
            }
            if (!r.hasHeader()) {
                // Only the newest segment can lack its header: the crash came as it was created.
                Files.delete(file);
                directoryDirty = true;
                continue;
            }
            segments.add(new Segment(file, firstIndex, r.validBytes(), r.offsets()));
            out.addAll(r.entries());
            if (!r.entries().isEmpty()) {
                previousTerm = r.entries().get(r.entries().size() - 1).term();
            }
        }
    }

    long lastIndex() {
        return segments.isEmpty() ? nextIndex - 1 : segments.get(segments.size() - 1).lastIndex();
    }

    /**
     * Appends {@code entries}, which must continue the log or replace a suffix of it (the first
     * entry's index at most one past the last index). Written, not yet durable: see {@link #sync()}.
     */
    void append(List<Entry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        long first = entries.get(0).index();
        if (first < nextIndex) {
            if (segments.isEmpty()) {
                throw new IllegalStateException("cannot replace entry " + first + ": covered by the snapshot before "
                        + nextIndex);
            }
            truncateFrom(first);
        } else if (first > nextIndex) {
            throw new IllegalStateException("append of entry " + first + " leaves a gap after " + (nextIndex - 1));
        }
        Segment active = segments.isEmpty() ? newSegment(first) : segments.get(segments.size() - 1);
        for (Entry e : entries) {
            int recordBytes = WalRecord.size(e);
            if (active.count() > 0 && active.size + batch.position() + recordBytes > options.segmentBytes()) {
                flush(active);
                unsynced.add(active);
                active = newSegment(e.index());
            }
            ensureBatchCapacity(recordBytes);
            active.addOffset(active.size + batch.position());
            WalRecord.writeEntry(batch, e);
            nextIndex++;
        }
        flush(active);
        entriesWritten += entries.size();
        dirty = true;
    }

    /** Makes everything appended so far durable: one fsync of the active segment (plus any just rolled). */
    void sync() throws IOException {
        if (!dirty && !directoryDirty) {
            return;
        }
        boolean fsync = options.fsync() == FsyncPolicy.ALWAYS;
        long start = System.nanoTime();
        for (Segment s : unsynced) {
            if (fsync) {
                s.channel().force(false);
            }
            s.close();
        }
        unsynced.clear();
        if (dirty && fsync && !segments.isEmpty()) {
            segments.get(segments.size() - 1).channel().force(false);
        }
        if (directoryDirty && fsync) {
            AtomicFiles.syncDirectory(dir);
        }
        if (dirty) {
            syncs++;
            syncLatency.observeSince(start);
        }
        dirty = false;
        directoryDirty = false;
    }

    /**
     * Deletes segments holding only entries at or below {@code index} (covered by a durable
     * snapshot) — the active one too when the snapshot covers the whole log, so covered entries
     * never linger on disk until the segment fills.
     */
    void releaseUpTo(long index) throws IOException {
        if (!segments.isEmpty() && lastIndex() <= index) {
            resetAfter(index);
            return;
        }
        while (segments.size() > 1 && segments.get(0).lastIndex() <= index && !unsynced.contains(segments.get(0))) {
            Segment s = segments.remove(0);
            s.close();
            Files.delete(s.path);
        }
    }

    /** Forgets the whole log; the next entry appended must be {@code index + 1}. Durable on return. */
    void resetAfter(long index) throws IOException {
        for (Segment s : segments) {
            s.close();
            Files.delete(s.path);
        }
        segments.clear();
        unsynced.clear();
        batch.clear();
        nextIndex = index + 1;
        dirty = false;
        directoryDirty = false;
        if (options.fsync() == FsyncPolicy.ALWAYS) {
            AtomicFiles.syncDirectory(dir);
        }
    }

    private void truncateFrom(long index) throws IOException {
        int si = segments.size() - 1;
        while (si > 0 && segments.get(si).firstIndex > index) {
            si--;
        }
        boolean deleted = false;
        while (segments.size() > si + 1) {
            Segment s = segments.remove(segments.size() - 1);
            unsynced.remove(s);
            s.close();
            Files.delete(s.path);
            deleted = true;
        }
        Segment s = segments.get(si);
        if (index < s.firstIndex) {
            throw new IllegalStateException("cannot replace entry " + index + ": the log starts at " + s.firstIndex);
        }
        long offset = s.contains(index) ? s.offsetOf(index) : s.size;
        s.channel().truncate(offset);
        s.size = offset;
        s.dropFrom(index);
        boolean fsync = options.fsync() == FsyncPolicy.ALWAYS;
        if (fsync) {
            s.channel().force(true);
            if (deleted) {
                AtomicFiles.syncDirectory(dir);
            }
        }
        nextIndex = index;
        LOG.debug("log truncated from index {}", index);
    }

    private Segment newSegment(long firstIndex) throws IOException {
        Path path = Segment.path(dir, firstIndex);
        ByteBuffer header = ByteBuffer.allocate(WalRecord.headerSize());
        WalRecord.writeHeader(header, firstIndex);
        header.flip();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            AtomicFiles.writeFully(ch, header);
        }
        Segment s = new Segment(path, firstIndex, WalRecord.headerSize(), new long[0]);
        segments.add(s);
        directoryDirty = true;
        return s;
    }

    private void flush(Segment active) throws IOException {
        if (batch.position() == 0) {
            return;
        }
        batch.flip();
        int bytes = batch.remaining();
        FileChannel ch = active.channel();
        ch.position(active.size);
        AtomicFiles.writeFully(ch, batch);
        active.size += bytes;
        bytesWritten += bytes;
        batch.clear();
    }

    private void ensureBatchCapacity(int bytes) {
        if (batch.remaining() < bytes) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(batch.capacity() * 2, batch.position() + bytes));
            batch.flip();
            bigger.put(batch);
            batch = bigger;
        }
    }

    /** Durations of {@link #sync()} calls that made appends durable; any thread. */
    LatencyHistogram syncLatency() {
        return syncLatency;
    }

    long syncs() {
        return syncs;
    }

    long entriesWritten() {
        return entriesWritten;
    }

    long bytesWritten() {
        return bytesWritten;
    }

    int segmentCount() {
        return segments.size();
    }

    @Override
    public void close() throws IOException {
        for (Segment s : segments) {
            s.close();
        }
    }
}
