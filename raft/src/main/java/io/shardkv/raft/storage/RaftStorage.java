package io.shardkv.raft.storage;

import io.shardkv.raft.core.DurableState;
import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.HardState;
import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.core.Ready;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.SnapshotSpool;
import io.shardkv.rpc.LatencyHistogram;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Raft node's durable state in one directory: the write-ahead log ({@code wal-*.log}), the hard
 * state ({@code hardstate}) and the newest snapshot ({@code snapshot-*.snap}).
 *
 * <p>{@link #persist(Ready)} makes a Ready durable with one log fsync. The hard-state file is
 * rewritten (atomically, with its own fsyncs) only when the term or the vote changes — rare, and
 * the only hard state that must be durable before a message goes out. The commit index it records
 * is therefore a lower bound, refreshed at those moments and at snapshots; a restarted node learns
 * the rest from its leader.
 */
public final class RaftStorage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RaftStorage.class);

    private final Path dir;
    private final StorageOptions options;
    private final WriteAheadLog wal;
    private final DurableState recovered;
    private HardState durableHardState;
    private long latestCommit;
    private long hardStateWrites;
    private long snapshotsSaved;
    private final LatencyHistogram snapshotSaveLatency = new LatencyHistogram();

    private RaftStorage(Path dir, StorageOptions options, WriteAheadLog wal, DurableState recovered) {
        this.dir = dir;
        this.options = options;
        this.wal = wal;
        this.recovered = recovered;
        this.durableHardState = recovered.hardState();
        this.latestCommit = recovered.hardState().commit();
    }

    /** Opens (creating if needed) the storage in {@code dir} and recovers what it holds. */
    public static RaftStorage open(Path dir, StorageOptions options) throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(dir);
        deleteTemporaryFiles(dir);
        if (options.fsync() == FsyncPolicy.NEVER) {
            LOG.warn("{}: fsync is disabled; a machine crash can lose acknowledged writes (UNSAFE: tests and "
                    + "benchmarks only)", dir);
        }
        HardState hs = HardStateFile.read(dir);
        Snapshot snap = SnapshotFiles.readLatest(dir);
        long snapIndex = snap == null ? 0 : snap.index();
        long snapTerm = snap == null ? 0 : snap.term();
        List<Entry> entries = new ArrayList<>();
        WriteAheadLog wal = WriteAheadLog.open(dir, options, snapIndex, snapTerm, entries);
        wal.releaseUpTo(snapIndex);
        long lastIndex = entries.isEmpty() ? snapIndex : entries.get(entries.size() - 1).index();
        if (hs.commit() > lastIndex) {
            // Entries are durable before the hard state that counts them committed, so this means
            // log this replica had synced is gone (a lost or truncated segment). It is tolerated, as
            // a torn tail is: the leader sends the entries again.
            LOG.warn("{}: the hard state records entries up to {} as committed but the log ends at {}: {} committed"
                    + " entries are missing here and will be fetched from the leader", dir, hs.commit(), lastIndex,
                    hs.commit() - lastIndex);
        }
        DurableState state = new DurableState(hs, snap, entries);
        LOG.info("{}: recovered term {}, vote {}, commit {}, snapshot at {}, {} log entries{} in {} ms", dir,
                hs.term(), hs.vote(), hs.commit(), snapIndex, entries.size(),
                entries.isEmpty() ? "" : " (" + entries.get(0).index() + ".." + entries.get(entries.size() - 1).index() + ")",
                (System.nanoTime() - start) / 1_000_000);
        return new RaftStorage(dir, options, wal, state);
    }

    private static void deleteTemporaryFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(AtomicFiles.TEMP_SUFFIX)).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Makes {@code dir} — which must not exist or be empty — the starting point of a new group: one
     * snapshot ({@code meta}, whose configuration names the new members, and {@code image}) and a
     * hard state of the snapshot's term and index, with no log. Every member of the new group is
     * seeded alike; their first leader continues the log after the snapshot. This is how a backup
     * is restored. Written into a sibling directory first and renamed into place, so a failure
     * leaves {@code dir} as it was and the seed can be run again.
     */
    public static void seed(Path dir, SnapshotMeta meta, SnapshotImage image, StorageOptions options)
            throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException(dir + " is not empty: a restore writes only new data directories");
                }
            }
        }
        Path seeding = dir.resolveSibling(dir.getFileName() + ".seeding");
        if (Files.isDirectory(seeding)) {
            try (Stream<Path> s = Files.list(seeding)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(seeding);
        boolean fsync = options.fsync() == FsyncPolicy.ALWAYS;
        SnapshotFiles.install(seeding, SnapshotFiles.writeTemporary(seeding, meta, image, fsync), meta, fsync);
        HardStateFile.write(seeding, new HardState(meta.term(), RaftCore.NONE, meta.index()), fsync);
        Files.deleteIfExists(dir);
        Files.move(seeding, dir, StandardCopyOption.ATOMIC_MOVE);
        if (fsync) {
            AtomicFiles.syncDirectory(dir.toAbsolutePath().getParent());
        }
    }

    /** What was on disk when the storage was opened: the input to the node's {@code RaftCore}. */
    public DurableState recoveredState() {
        return recovered;
    }

    /**
     * Makes {@code rd}'s snapshot ({@code received}: its bytes as spooled, or null if it has none),
     * entries and hard state durable (per the fsync policy) before returning; after it,
     * {@code rd.messages()} may be sent. Returns the snapshot as stored — its data now read from the
     * snapshot file — or null.
     */
    public Snapshot persist(Ready rd, Snapshot received) throws IOException {
        Snapshot stored = null;
        if (received != null) {
            if (!received.meta().equals(rd.snapshot())) {
                throw new IllegalArgumentException("the Ready installs snapshot " + rd.snapshot() + ", given "
                        + received.meta());
            }
            stored = SnapshotFiles.write(dir, received, fsync());
            snapshotsSaved++;
            wal.resetAfter(stored.index());
        } else if (rd.snapshot() != null) {
            throw new IllegalArgumentException("the Ready installs snapshot " + rd.snapshot() + " but no bytes were given");
        }
        wal.append(rd.entries());
        wal.sync();
        if (rd.hardState() != null) {
            HardState hs = rd.hardState();
            latestCommit = hs.commit();
            if (hs.term() != durableHardState.term() || hs.vote() != durableHardState.vote()) {
                writeHardState(hs);
            }
        }
        return stored;
    }

    /**
     * Writes a snapshot the local state machine took to a temporary file and makes it durable; it
     * takes effect only through {@link #installSnapshot}. Safe on any thread, concurrently with
     * everything else here: this is the slow part of a snapshot, kept off the node's thread.
     */
    public Path writeSnapshot(SnapshotMeta meta, SnapshotImage image) throws IOException {
        long start = System.nanoTime();
        Path written = SnapshotFiles.writeTemporary(dir, meta, image, fsync());
        snapshotSaveLatency.observeSince(start);
        return written;
    }

    /**
     * Puts a snapshot from {@link #writeSnapshot} in place of the previous one and deletes the log
     * segments it covers; returns it, its data read from the file. Call before handing it to
     * {@code RaftCore.compact}.
     */
    public Snapshot installSnapshot(SnapshotMeta meta, Path written) throws IOException {
        Snapshot snap = SnapshotFiles.install(dir, written, meta, fsync());
        snapshotsSaved++;
        if (latestCommit > durableHardState.commit()) {
            writeHardState(new HardState(durableHardState.term(), durableHardState.vote(), latestCommit));
        }
        wal.releaseUpTo(snap.index());
        return snap;
    }

    /**
     * Where a node puts a snapshot a leader sends while its chunks arrive: the temporary file
     * {@link #persist} then renames into place, so a received snapshot never sits in the heap.
     */
    public SnapshotSpool snapshotSpool() {
        return (meta, totalBytes) -> {
            try {
                return new SnapshotFileWriter(dir, meta);
            } catch (IOException e) {
                throw new UncheckedIOException("spooling a snapshot in " + dir, e);
            }
        };
    }

    /** Deletes a snapshot from {@link #writeSnapshot} that a newer one made useless. */
    public void discardSnapshot(Path written) throws IOException {
        Files.deleteIfExists(written);
    }

    private void writeHardState(HardState hs) throws IOException {
        HardStateFile.write(dir, hs, fsync());
        durableHardState = hs;
        hardStateWrites++;
    }

    private boolean fsync() {
        return options.fsync() == FsyncPolicy.ALWAYS;
    }

    public StorageStats stats() {
        return new StorageStats(wal.syncs(), wal.entriesWritten(), wal.bytesWritten(), hardStateWrites, snapshotsSaved);
    }

    /** Durations of the write-ahead log's fsyncs (one per persisted batch); any thread. */
    public LatencyHistogram fsyncLatency() {
        return wal.syncLatency();
    }

    /** Durations of {@link #writeSnapshot}: serializing a local snapshot to disk, fsync included; any thread. */
    public LatencyHistogram snapshotSaveLatency() {
        return snapshotSaveLatency;
    }

    /**
     * Bytes of the files in the storage directory now (log segments, snapshots, the hard state,
     * a snapshot being written or received); any thread. Files deleted while it counts are skipped.
     */
    public long diskBytes() {
        long total = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                try {
                    total += Files.size(p);
                } catch (IOException gone) {
                    // Compacted or renamed between the listing and the size: not there any more.
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("{}: cannot list the storage directory to size it: {}", dir, e.toString());
        }
        return total;
    }

    /** Number of log segment files, for tests and diagnostics. */
    public int segmentCount() {
        return wal.segmentCount();
    }

    @Override
    public void close() throws IOException {
        wal.close();
    }
}
