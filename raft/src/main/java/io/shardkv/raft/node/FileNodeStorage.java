package io.shardkv.raft.node;

import io.shardkv.raft.core.Ready;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.SnapshotSpool;
import io.shardkv.raft.storage.RaftStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's {@link RaftStorage} as its driver uses it: Readies persisted synchronously (one fsync),
 * local snapshot images written and fsynced on a thread of their own ({@code raft-snapshot-<id>})
 * while the node goes on. I/O errors are {@link UncheckedIOException}s, which stop the node.
 */
final class FileNodeStorage implements NodeStorage, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileNodeStorage.class);

    private final int id;
    private final RaftStorage storage;
    private final ExecutorService snapshotWriter;

    FileNodeStorage(int id, RaftStorage storage) {
        this.id = id;
        this.storage = storage;
        this.snapshotWriter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "raft-snapshot-" + id);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public SnapshotSpool spool() {
        return storage.snapshotSpool();
    }

    @Override
    public void persist(Ready rd, Snapshot received, Consumer<Snapshot> done) {
        Snapshot stored;
        try {
            stored = storage.persist(rd, received);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        done.accept(stored);
    }

    @Override
    public CompletableFuture<WrittenSnapshot> writeSnapshot(SnapshotMeta meta, SnapshotImage image) {
        CompletableFuture<WrittenSnapshot> f = new CompletableFuture<>();
        try {
            snapshotWriter.execute(() -> {
                long start = System.nanoTime();
                try {
                    Path written = storage.writeSnapshot(meta, image);
                    f.complete(new Written(meta, written, (System.nanoTime() - start) / 1_000_000));
                } catch (IOException | RuntimeException | Error e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new NodeStoppedException("node " + id + " is stopped", null));
        }
        return f;
    }

    /** Stops the snapshot thread (a write under way is interrupted and its temporary file left for the next start). */
    @Override
    public void close() {
        snapshotWriter.shutdownNow();
    }

    private final class Written implements WrittenSnapshot {
        private final SnapshotMeta meta;
        private final Path file;
        private final long writeMillis;

        Written(SnapshotMeta meta, Path file, long writeMillis) {
            this.meta = meta;
            this.file = file;
            this.writeMillis = writeMillis;
        }

        @Override
        public Snapshot install() {
            try {
                Snapshot snap = storage.installSnapshot(meta, file);
                LOG.info("node {}: snapshot at {} in place ({} bytes, written in {} ms)", id, meta.index(),
                        snap.data().size(), writeMillis);
                return snap;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void discard() {
            try {
                storage.discardSnapshot(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
