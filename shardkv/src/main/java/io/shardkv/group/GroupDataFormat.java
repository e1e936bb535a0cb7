package io.shardkv.group;

import io.shardkv.raft.storage.CorruptStorageException;
import io.shardkv.rpc.ctrler.Shards;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * The key layout a shard group's data directory was written with, in the file {@value #FILE}.
 * Every key a group holds sits in the shard {@link Shards} gives it, in its log, its snapshots and
 * its backups, so a directory written under another key → shard function cannot be served: its
 * shards would hold keys that are not theirs. A new directory gets the file before anything else
 * is written; a directory that has a replica's data but no file was written before the layout
 * was recorded (when keys were placed by FNV-1a), and is refused with what to do; one holding
 * anything a replica does not write is someone else's, and is refused as such, untouched.
 */
public final class GroupDataFormat {

    static final String FILE = "key-layout";

    /** The current layout: Redis Cluster hash slots, contiguous slot ranges per shard. */
    private static final String TEMP_SUFFIX = ".tmp";

    static final String LAYOUT = "redis-cluster-slots-" + Shards.SLOTS + "\n";

    private GroupDataFormat() {
    }

    /**
     * Records the layout in a new data directory, or checks an existing one's.
     *
     * @throws CorruptStorageException if {@code dataDir} holds data of another key layout
     */
    public static void prepare(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (Files.exists(file)) {
            String layout = Files.readString(file, StandardCharsets.UTF_8);
            if (!layout.equals(LAYOUT)) {
                throw new CorruptStorageException(file, 0, "this data directory's keys are laid out as '"
                        + layout.strip() + "'; this version of shardkv reads only '" + LAYOUT.strip() + "'");
            }
            return;
        }
        Files.createDirectories(dataDir);
        String foreign = foreignEntry(dataDir);
        if (foreign != null) {
            throw new CorruptStorageException(dataDir, 0, "this directory holds " + foreign + ", which is not a shardkv"
                    + " replica's: give each replica an empty data directory of its own (nothing was changed here)");
        }
        if (hasData(dataDir)) {
            throw new CorruptStorageException(dataDir, 0, "this shard group data directory was written by a shardkv"
                    + " older than 2026-12-03, which placed keys in shards by FNV-1a; this version places them by"
                    + " Redis Cluster hash slots (CRC16), so its shards would hold keys that are not theirs. There is"
                    + " no in-place upgrade (no release with the old layout has shipped): copy the keys out with the"
                    + " release that wrote it and into a cluster started afresh, with empty data directories");
        }
        write(file);
    }

    /** Records the layout in a data directory a restore has just seeded from a backup of this layout. */
    public static void recordRestored(Path dataDir) throws IOException {
        write(dataDir.resolve(FILE));
    }

    /**
     * The first entry (by name) of {@code dataDir} that no replica writes, or null: its log, hard
     * state, snapshots, backup spool and engine are a replica's, and {@code lost+found} is the
     * file system's (a volume mounted as the data directory); anything else means the directory is
     * someone else's.
     */
    private static String foreignEntry(Path dataDir) throws IOException {
        try (Stream<Path> entries = Files.list(dataDir)) {
            return entries.map(p -> p.getFileName().toString()).filter(name -> !replicaEntry(name)).sorted()
                    .findFirst().map(name -> "'" + name + "'").orElse(null);
        }
    }

    private static boolean replicaEntry(String name) {
        return notData(name) || name.startsWith("hardstate") || name.startsWith("wal-") || name.startsWith("snapshot-")
                || name.equals("backup") || name.equals("engine");
    }

    /** A file left by a crash while the layout was being recorded, or the file system's own directory. */
    private static boolean notData(String name) {
        return name.equals(FILE + TEMP_SUFFIX) || name.equals("lost+found");
    }

    private static boolean hasData(Path dataDir) throws IOException {
        try (Stream<Path> entries = Files.list(dataDir)) {
            return entries.anyMatch(p -> !notData(p.getFileName().toString()));
        }
    }

    private static void write(Path file) throws IOException {
        Path temp = file.resolveSibling(FILE + TEMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer content = ByteBuffer.wrap(LAYOUT.getBytes(StandardCharsets.UTF_8));
            while (content.hasRemaining()) {
                ch.write(content);
            }
            ch.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
