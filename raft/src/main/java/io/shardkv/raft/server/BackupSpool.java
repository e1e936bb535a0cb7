package io.shardkv.raft.server;

import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.rsm.CountingOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where a replica keeps the backup image it was last asked for, until the tool has read it:
 * {@code DATA_DIR/backup/}, one image at a time (a new one replaces the old, so a tool that died
 * leaves at most one behind; a restart deletes it). Writing and reading run on a thread of their
 * own, never on the node's or an I/O thread.
 */
final class BackupSpool implements AutoCloseable {

    /** The largest chunk answered: well inside the transport's frame limit. */
    static final int MAX_CHUNK_BYTES = BackupChunkRequest.MAX_BYTES;
    private static final long CLOSE_WAIT_SECONDS = 5;

    /** An image written out and ready to read. */
    record Spooled(long id, Path file, long bytes, String sha256) {
    }

    private final Path dir;
    private final ExecutorService io;
    private long nextId = System.currentTimeMillis();
    private Spooled current;

    BackupSpool(Path dataDir, int nodeId) throws IOException {
        this.dir = dataDir.resolve("backup");
        Files.createDirectories(dir);
        deleteAll();
        this.io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "backup-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Writes {@code image} out, replacing the image held before; completes with its description. */
    CompletableFuture<Spooled> write(SnapshotImage image) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                deleteAll();
                current = null;
                long id = ++nextId;
                Path file = dir.resolve("backup-" + id + ".img");
                MessageDigest sha = sha256();
                long bytes;
                try (CountingOutputStream counted = new CountingOutputStream(new DigestOutputStream(
                        new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), sha))) {
                    image.writeTo(counted);
                    bytes = counted.count();
                }
                current = new Spooled(id, file, bytes, HexFormat.of().formatHex(sha.digest()));
                return current;
            } catch (IOException e) {
                throw new UncheckedIOException("writing a backup image in " + dir, e);
            }
        }, io);
    }

    /** Up to {@code request.maxBytes()} (at most {@link #MAX_CHUNK_BYTES}) of the image from the offset asked for. */
    CompletableFuture<BackupChunk> read(BackupChunkRequest request) {
        return CompletableFuture.supplyAsync(() -> {
            Spooled s = current;
            if (s == null || s.id() != request.id()) {
                return new BackupChunk("backup image " + request.id() + " is not held here any more (released, replaced"
                        + " by a newer backup, or the replica restarted); take the backup again", new byte[0]);
            }
            if (request.offset() > s.bytes()) {
                return new BackupChunk("offset " + request.offset() + " is past the image's end (" + s.bytes() + " bytes)",
                        new byte[0]);
            }
            int length = (int) Math.min(Math.min(request.maxBytes(), MAX_CHUNK_BYTES), s.bytes() - request.offset());
            ByteBuffer buf = ByteBuffer.allocate(length);
            try (FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.READ)) {
                while (buf.hasRemaining()) {
                    if (ch.read(buf, request.offset() + buf.position()) < 0) {
                        return new BackupChunk("backup image " + s.id() + " ended early at the replica", new byte[0]);
                    }
                }
            } catch (IOException e) {
                return new BackupChunk("reading backup image " + s.id() + ": " + e, new byte[0]);
            }
            return new BackupChunk(null, buf.array());
        }, io);
    }

    /** Deletes image {@code id}; whether it was held. */
    CompletableFuture<Boolean> release(long id) {
        return CompletableFuture.supplyAsync(() -> {
            if (current == null || current.id() != id) {
                return false;
            }
            current = null;
            try {
                deleteAll();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return true;
        }, io);
    }

    private void deleteAll() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    @Override
    public void close() {
        io.shutdownNow();
        try {
            // A write in flight would otherwise leave its file behind until the next start.
            io.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            deleteAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | UncheckedIOException e) {
            // Deleted at the next start instead.
        }
    }
}
