package io.shardkv.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.storage.CorruptStorageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a shard-group replica accepts as its data directory before it writes anything there. */
class GroupDataFormatTest {

    @TempDir
    Path dir;

    @Test
    void aNewDirectoryGetsTheLayoutAndKeepsIt() throws Exception {
        Path data = dir.resolve("new");
        GroupDataFormat.prepare(data);
        assertEquals(GroupDataFormat.LAYOUT, Files.readString(data.resolve(GroupDataFormat.FILE), StandardCharsets.UTF_8));
        Files.writeString(data.resolve("wal-00000000000000000001.log"), "x");
        GroupDataFormat.prepare(data);
    }

    @Test
    void aMountedVolumesLostAndFoundIsNotSomeoneElses() throws Exception {
        Files.createDirectory(dir.resolve("lost+found"));
        GroupDataFormat.prepare(dir);
        assertTrue(Files.exists(dir.resolve(GroupDataFormat.FILE)));
    }

    @Test
    void replicaFilesWithoutTheLayoutAreAnOlderVersions() throws Exception {
        Files.writeString(dir.resolve("hardstate"), "x");
        Files.writeString(dir.resolve("wal-00000000000000000001.log"), "x");
        CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> GroupDataFormat.prepare(dir));
        assertTrue(e.getMessage().contains("FNV-1a") && e.getMessage().contains("started afresh"), e.getMessage());
    }

    @Test
    void aDirectoryHoldingSomeoneElsesFilesIsRefusedAsSuchAndLeftAlone() throws Exception {
        Files.writeString(dir.resolve("hardstate"), "x");
        Files.writeString(dir.resolve("notes.txt"), "mine");
        CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> GroupDataFormat.prepare(dir));
        assertTrue(e.getMessage().contains("'notes.txt', which is not a shardkv replica's"), e.getMessage());
        assertFalse(e.getMessage().contains("FNV-1a"), e.getMessage());
        assertFalse(Files.exists(dir.resolve(GroupDataFormat.FILE)), "nothing is written there");
    }

    @Test
    void anotherLayoutIsRefusedWithBoth() throws Exception {
        Files.writeString(dir.resolve(GroupDataFormat.FILE), "some-other-layout\n");
        CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> GroupDataFormat.prepare(dir));
        assertTrue(e.getMessage().contains("some-other-layout") && e.getMessage().contains("redis-cluster-slots"),
                e.getMessage());
    }
}
