package io.shardkv.raft.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotBytes;
import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.quorum.JointConfig;
import io.shardkv.raft.core.quorum.MajorityConfig;
import io.shardkv.raft.core.tracker.MembershipConfig;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot files record the configuration at their index, and files of the previous version still open. */
class SnapshotFormatTest {

    @TempDir
    Path dir;

    @Test
    void aJointConfigurationWithLearnersSurvivesTheFile() throws IOException {
        MembershipConfig config = new MembershipConfig(
                new JointConfig(MajorityConfig.of(1, 2, 4), MajorityConfig.of(1, 2, 3)), new TreeSet<>(List.of(7)));
        byte[] data = "image".getBytes(StandardCharsets.UTF_8);
        Path temp = SnapshotFiles.writeTemporary(dir, new SnapshotMeta(9, 2, config), out -> out.write(data), true);
        SnapshotFiles.install(dir, temp, new SnapshotMeta(9, 2, config), true);

        Snapshot read = SnapshotFiles.readLatest(dir);
        assertEquals(new SnapshotMeta(9, 2, config), read.meta());
        assertArrayEquals(data, SnapshotBytes.of(read));
    }

    @Test
    void aVersionTwoFileWithAVoterListIsRead() throws IOException {
        byte[] data = "old image".getBytes(StandardCharsets.UTF_8);
        Path file = SnapshotFiles.path(dir, 5);
        Files.write(file, versionTwo(5, 1, List.of(1, 2, 3), data, 3));

        Snapshot read = SnapshotFiles.read(file);
        assertEquals(new SnapshotMeta(5, 1, List.of(1, 2, 3)), read.meta());
        assertArrayEquals(data, SnapshotBytes.of(read));
    }

    @Test
    void aVersionTwoFileWithADamagedVoterCountIsReportedCorrupt() throws IOException {
        Path file = SnapshotFiles.path(dir, 5);
        Files.write(file, versionTwo(5, 1, List.of(1, 2, 3), new byte[4], 100_000));
        CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> SnapshotFiles.read(file));
        assertTrue(e.getMessage().contains("voter count"), e.getMessage());
    }

    /** The layout version 2 wrote: magic, version, index, term, voter count, voters, data, length, CRC. */
    private static byte[] versionTwo(long index, long term, List<Integer> voters, byte[] data, int declaredVoters)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x534B534E);
        out.writeShort(2);
        out.writeLong(index);
        out.writeLong(term);
        out.writeInt(declaredVoters);
        for (int v : voters) {
            out.writeInt(v);
        }
        out.write(data);
        out.writeLong(data.length);
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        return bytes.toByteArray();
    }
}
