package io.shardkv.raft.storage;

import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotMeta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Snapshot files, one per snapshot, named by index so the newest sorts last. Layout:
 * magic (4) | version (2) | index (8) | term (8) | voter count (4) | voters (4 each) |
 * data length (8) | data | CRC32C of everything before it (4). Written to a temporary file,
 * fsynced, renamed into place and the directory fsynced, so a crash leaves the old snapshot or
 * the new one, never a mixture. Only the newest is kept.
 */
final class SnapshotFiles {

    private static final int MAGIC = 0x534B534E; // "SKSN"
    private static final short VERSION = 1;
    private static final String PREFIX = "snapshot-";
    private static final String SUFFIX = ".snap";
    private static final int MAX_VOTERS = 1024;

    private SnapshotFiles() {
    }

    static Path path(Path dir, long index) {
        return dir.resolve(String.format("%s%020d%s", PREFIX, index, SUFFIX));
    }

    static void write(Path dir, Snapshot snap, boolean fsync) throws IOException {
        SnapshotMeta meta = snap.meta();
        ByteBuffer header = ByteBuffer.allocate(4 + 2 + 8 + 8 + 4 + 4 * meta.voters().size() + 8);
        header.putInt(MAGIC).putShort(VERSION).putLong(meta.index()).putLong(meta.term())
                .putInt(meta.voters().size());
        for (int v : meta.voters()) {
            header.putInt(v);
        }
        header.putLong(snap.data().length);
        header.flip();
        CRC32C crc = new CRC32C();
        crc.update(header.duplicate());
        crc.update(snap.data());
        ByteBuffer trailer = ByteBuffer.allocate(4).putInt((int) crc.getValue());
        trailer.flip();

        Path target = path(dir, meta.index());
        Path temp = target.resolveSibling(target.getFileName() + AtomicFiles.TEMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            AtomicFiles.writeFully(ch, header);
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(snap.data()));
            AtomicFiles.writeFully(ch, trailer);
            if (fsync) {
                ch.force(true);
            }
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (fsync) {
            AtomicFiles.syncDirectory(dir);
        }
        for (Path older : list(dir)) {
            if (!older.equals(target)) {
                Files.deleteIfExists(older);
            }
        }
    }

    /** The newest snapshot in {@code dir}, or null. A damaged newest snapshot is an error, not skipped. */
    static Snapshot readLatest(Path dir) throws IOException {
        List<Path> files = list(dir);
        return files.isEmpty() ? null : read(files.get(files.size() - 1));
    }

    static Snapshot read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int fixed = 4 + 2 + 8 + 8 + 4;
        if (bytes.length < fixed + 8 + 4) {
            throw new CorruptStorageException(file, 0, "snapshot file too short (" + bytes.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != buf.getInt(bytes.length - 4)) {
            throw new CorruptStorageException(file, bytes.length - 4, "snapshot checksum mismatch");
        }
        if (buf.getInt() != MAGIC) {
            throw new CorruptStorageException(file, 0, "not a snapshot file (bad magic)");
        }
        short version = buf.getShort();
        if (version != VERSION) {
            throw new CorruptStorageException(file, 4, "unsupported snapshot version " + version);
        }
        long index = buf.getLong();
        long term = buf.getLong();
        int voterCount = buf.getInt();
        if (voterCount < 1 || voterCount > MAX_VOTERS || buf.remaining() < 4L * voterCount + 8 + 4) {
            throw new CorruptStorageException(file, fixed - 4, "bad voter count " + voterCount);
        }
        List<Integer> voters = new ArrayList<>(voterCount);
        for (int i = 0; i < voterCount; i++) {
            voters.add(buf.getInt());
        }
        long dataLength = buf.getLong();
        if (dataLength != buf.remaining() - 4) {
            throw new CorruptStorageException(file, buf.position() - 8, "data length " + dataLength
                    + " does not match the file (" + (buf.remaining() - 4) + " bytes of data)");
        }
        byte[] data = new byte[(int) dataLength];
        buf.get(data);
        try {
            return new Snapshot(new SnapshotMeta(index, term, voters), data);
        } catch (IllegalArgumentException e) {
            throw new CorruptStorageException(file, 6, e.getMessage());
        }
    }

    /** Snapshot files in {@code dir}, oldest first. */
    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(PREFIX) && n.endsWith(SUFFIX);
            }).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
    }
}
