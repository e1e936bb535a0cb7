package io.shardkv.raft.storage;

import io.shardkv.raft.core.HardState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The node's term, vote and (a lower bound of its) commit index, in one small file replaced
 * atomically. Layout: magic (4) | version (2) | term (8) | vote (4) | commit (8) | CRC32C of the
 * preceding bytes (4).
 */
final class HardStateFile {

    static final String NAME = "hardstate";
    private static final int MAGIC = 0x534B4853; // "SKHS"
    private static final short VERSION = 1;
    private static final int SIZE = 4 + 2 + 8 + 4 + 8 + 4;

    private HardStateFile() {
    }

    static HardState read(Path dir) throws IOException {
        Path file = dir.resolve(NAME);
        if (!Files.exists(file)) {
            return HardState.EMPTY;
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != SIZE) {
            throw new CorruptStorageException(file, 0, "hard state file is " + bytes.length + " bytes, expected " + SIZE);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, SIZE - 4);
        if ((int) crc.getValue() != buf.getInt(SIZE - 4)) {
            throw new CorruptStorageException(file, SIZE - 4, "hard state checksum mismatch");
        }
        if (buf.getInt() != MAGIC) {
            throw new CorruptStorageException(file, 0, "not a hard state file (bad magic)");
        }
        short version = buf.getShort();
        if (version != VERSION) {
            throw new CorruptStorageException(file, 4, "unsupported hard state version " + version);
        }
        long term = buf.getLong();
        int vote = buf.getInt();
        long commit = buf.getLong();
        try {
            return new HardState(term, vote, commit);
        } catch (IllegalArgumentException e) {
            throw new CorruptStorageException(file, 6, e.getMessage());
        }
    }

    static void write(Path dir, HardState hs, boolean fsync) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(SIZE);
        buf.putInt(MAGIC).putShort(VERSION).putLong(hs.term()).putInt(hs.vote()).putLong(hs.commit());
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, SIZE - 4);
        buf.putInt((int) crc.getValue());
        buf.flip();
        AtomicFiles.replace(dir.resolve(NAME), buf, fsync);
    }
}
