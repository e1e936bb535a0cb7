package io.shardkv.raft.storage;

import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.confchange.MembershipCodec;
import io.shardkv.raft.core.tracker.MembershipConfig;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
 * magic (4) | version (2) = 3 | index (8) | term (8) | configuration length (4) | configuration
 * ({@link MembershipCodec}) | data | data length (8) | CRC32C of everything before it (4). Version 2
 * files, which held a plain voter list (count (4) | voters (4 each)) in place of the configuration,
 * are still read. The length trails the data so an image is
 * streamed to disk as it is produced, never held whole in memory. Written to a temporary file,
 * fsynced, renamed into place and the directory fsynced, so a crash leaves the old snapshot or
 * the new one, never a mixture. Only the newest is kept.
 */
final class SnapshotFiles {

    private static final int MAGIC = 0x534B534E; // "SKSN"
    private static final short VERSION = 3;
    private static final short VOTER_LIST_VERSION = 2;
    private static final String PREFIX = "snapshot-";
    private static final String SUFFIX = ".snap";
    private static final int FIXED_HEADER = 4 + 2 + 8 + 8 + 4;
    private static final int TRAILER = 8 + 4;

    private SnapshotFiles() {
    }

    static Path path(Path dir, long index) {
        return dir.resolve(String.format("%s%020d%s", PREFIX, index, SUFFIX));
    }

    static Path temporaryPath(Path dir, long index) {
        Path target = path(dir, index);
        return target.resolveSibling(target.getFileName() + AtomicFiles.TEMP_SUFFIX);
    }

    static int headerBytes(SnapshotMeta meta) {
        return FIXED_HEADER + MembershipCodec.encode(meta.config()).length;
    }

    static void writeHeader(DataOutputStream out, SnapshotMeta meta) throws IOException {
        out.writeInt(MAGIC);
        out.writeShort(VERSION);
        out.writeLong(meta.index());
        out.writeLong(meta.term());
        byte[] config = MembershipCodec.encode(meta.config());
        out.writeInt(config.length);
        out.write(config);
    }

    /**
     * Writes {@code image} for {@code meta} to a temporary file in {@code dir} (fsynced if asked)
     * and returns it, for {@link #install}. Safe on any thread: it touches no other file.
     */
    static Path writeTemporary(Path dir, SnapshotMeta meta, SnapshotImage image, boolean fsync) throws IOException {
        SnapshotFileWriter writer = new SnapshotFileWriter(dir, meta);
        try {
            image.writeTo(writer.data());
            FileSnapshotData written = writer.finish();
            if (fsync) {
                written.channel().force(true);
            }
            written.channel().close();
            return written.file();
        } finally {
            if (!writer.finished()) {
                writer.abort();
            }
        }
    }

    /**
     * Renames a file from {@link #writeTemporary} into place, deletes older snapshots and returns
     * the snapshot, its data read from the file from now on.
     */
    static Snapshot install(Path dir, Path temp, SnapshotMeta meta, boolean fsync) throws IOException {
        Path target = path(dir, meta.index());
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (fsync) {
            AtomicFiles.syncDirectory(dir);
        }
        for (Path older : list(dir)) {
            if (!older.equals(target)) {
                Files.deleteIfExists(older);
            }
        }
        FileChannel ch = FileChannel.open(target, StandardOpenOption.READ);
        long size = ch.size() - headerBytes(meta) - TRAILER;
        return new Snapshot(meta, new FileSnapshotData(target, ch, headerBytes(meta), size));
    }

    /**
     * Stores {@code snap} (one received from a leader) and returns it backed by its file: a rename
     * if it was spooled into {@code dir}'s temporary file for its index, else a copy.
     */
    static Snapshot write(Path dir, Snapshot snap, boolean fsync) throws IOException {
        Path temp = temporaryPath(dir, snap.index());
        if (snap.data() instanceof FileSnapshotData spooled && spooled.file().equals(temp)) {
            if (fsync) {
                spooled.channel().force(true);
            }
        } else {
            writeTemporary(dir, snap.meta(), out -> {
                try (InputStream in = snap.data().open()) {
                    in.transferTo(out);
                }
            }, fsync);
        }
        return install(dir, temp, snap.meta(), fsync);
    }

    /** The newest snapshot in {@code dir}, or null. A damaged newest snapshot is an error, not skipped. */
    static Snapshot readLatest(Path dir) throws IOException {
        List<Path> files = list(dir);
        return files.isEmpty() ? null : read(files.get(files.size() - 1));
    }

    /** Checks {@code file} whole (checksum, layout) and returns its snapshot, data left on disk. */
    static Snapshot read(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        boolean ok = false;
        try {
            Snapshot snap = read(file, ch);
            ok = true;
            return snap;
        } finally {
            if (!ok) {
                ch.close();
            }
        }
    }

    private static Snapshot read(Path file, FileChannel ch) throws IOException {
        long fileSize = ch.size();
        if (fileSize < FIXED_HEADER + 4 + TRAILER) {
            throw new CorruptStorageException(file, 0, "snapshot file too short (" + fileSize + " bytes)");
        }
        verifyChecksum(file, ch, fileSize);
        ByteBuffer fixed = readAt(ch, 0, FIXED_HEADER);
        if (fixed.getInt() != MAGIC) {
            throw new CorruptStorageException(file, 0, "not a snapshot file (bad magic)");
        }
        short version = fixed.getShort();
        if (version != VERSION && version != VOTER_LIST_VERSION) {
            throw new CorruptStorageException(file, 4, "unsupported snapshot version " + version);
        }
        long index = fixed.getLong();
        long term = fixed.getLong();
        int count = fixed.getInt();
        int configBytes = version == VERSION ? count : 4 * count;
        int maxBytes = version == VERSION ? MembershipCodec.MAX_ENCODED_BYTES : 4 * MembershipCodec.MAX_MEMBERS;
        if (count < 1 || configBytes > maxBytes || fileSize < (long) FIXED_HEADER + configBytes + TRAILER) {
            throw new CorruptStorageException(file, FIXED_HEADER - 4, "bad configuration "
                    + (version == VERSION ? "length " : "voter count ") + count);
        }
        ByteBuffer configBuf = readAt(ch, FIXED_HEADER, configBytes);
        MembershipConfig config;
        try {
            config = version == VERSION ? MembershipCodec.decode(configBuf.array()) : voterList(configBuf, count);
        } catch (IllegalArgumentException e) {
            throw new CorruptStorageException(file, FIXED_HEADER, "bad configuration: " + e.getMessage());
        }
        long header = FIXED_HEADER + configBytes;
        long dataLength = readAt(ch, fileSize - TRAILER, 8).getLong();
        if (dataLength != fileSize - header - TRAILER) {
            throw new CorruptStorageException(file, fileSize - TRAILER, "data length " + dataLength
                    + " does not match the file (" + (fileSize - header - TRAILER) + " bytes of data)");
        }
        try {
            return new Snapshot(new SnapshotMeta(index, term, config), new FileSnapshotData(file, ch, header, dataLength));
        } catch (IllegalArgumentException e) {
            throw new CorruptStorageException(file, 6, e.getMessage());
        }
    }

    private static MembershipConfig voterList(ByteBuffer buf, int count) {
        List<Integer> voters = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            voters.add(buf.getInt());
        }
        return MembershipConfig.ofVoters(voters);
    }

    private static void verifyChecksum(Path file, FileChannel ch, long fileSize) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long covered = fileSize - 4;
        for (long p = 0; p < covered; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), covered - p));
            readFully(ch, p, buf);
            p += buf.flip().remaining();
            crc.update(buf);
        }
        if ((int) crc.getValue() != readAt(ch, covered, 4).getInt()) {
            throw new CorruptStorageException(file, covered, "snapshot checksum mismatch");
        }
    }

    private static ByteBuffer readAt(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        readFully(ch, position, buf);
        return buf.flip();
    }

    static void readFully(FileChannel ch, long position, ByteBuffer buf) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, p);
            if (n < 0) {
                throw new IOException("unexpected end of snapshot file at " + p);
            }
            p += n;
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
