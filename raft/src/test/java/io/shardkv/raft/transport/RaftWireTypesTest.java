package io.shardkv.raft.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.Message;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.quorum.JointConfig;
import io.shardkv.raft.core.quorum.MajorityConfig;
import io.shardkv.raft.core.tracker.MembershipConfig;
import io.shardkv.raft.node.NodeStatus;
import io.shardkv.raft.server.AdminReply;
import io.shardkv.raft.server.BackupChunk;
import io.shardkv.raft.server.BackupChunkRequest;
import io.shardkv.raft.server.BackupReleaseRequest;
import io.shardkv.raft.server.BackupReport;
import io.shardkv.raft.server.BackupRequest;
import io.shardkv.raft.server.ReplicaStatusReport;
import io.shardkv.raft.server.ReplicaStatusRequest;
import io.shardkv.raft.server.StatusRequest;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.codec.CodecException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every Raft message survives the codec exactly; damaged ones are decode errors. */
class RaftWireTypesTest {

    private final Codec codec = Codec.builder().install(new RaftWireTypes()).build();

    private static final SnapshotMeta META = new SnapshotMeta(42, 3, List.of(1, 2, 3));

    static List<Message> samples() {
        return List.of(
                new Message.AppendEntries(1, 2, 7, 10, 6,
                        List.of(Entry.command(11, 7, new byte[] {1, 2, 3}), Entry.noop(12, 7)), 9),
                new Message.AppendEntries(1, 3, 7, 10, 6, List.of(), 9),
                new Message.AppendResponse(2, 1, 7, true, 10, 8, 5),
                Message.AppendResponse.accept(2, 1, 7, 12),
                new Message.VoteRequest(3, 1, 8, 12, 7, true, false),
                new Message.VoteRequest(3, 1, 8, 12, 7, false, true),
                new Message.VoteResponse(1, 3, 8, false, true),
                new Message.Heartbeat(1, 2, 7, 12, 99),
                new Message.HeartbeatResponse(2, 1, 7, 99),
                new Message.InstallSnapshot(1, 2, 7, META, 5000, 1024, new byte[] {9, 8, 7}, false),
                new Message.SnapshotAck(2, 1, 7, 42, 1027, true),
                new Message.TimeoutNow(1, 2, 7));
    }

    @Test
    void everyMessageRoundTrips() {
        for (Message m : samples()) {
            Message back = (Message) codec.decode(codec.encode(m));
            assertEquals(normalize(m), normalize(back), m.getClass().getSimpleName());
        }
    }

    /** Records compare arrays by reference; compare their contents instead. */
    private static String normalize(Message m) {
        if (m instanceof Message.AppendEntries ae) {
            return ae.toString().replaceAll("\\[B@\\w+", "") + ae.entries().stream()
                    .map(e -> Arrays.toString(e.data())).toList();
        }
        if (m instanceof Message.InstallSnapshot is) {
            return is.toString().replaceAll("\\[B@\\w+", "") + Arrays.toString(is.data());
        }
        return m.toString();
    }

    @Test
    void aReplicasStatusRoundTrips() {
        NodeStatus status = new NodeStatus(3, 17, Role.LEADER, 3, 1000, 998, 1002, true);
        assertEquals(status, codec.decode(codec.encode(status)));
        NodeStatus noLeader = new NodeStatus(1, 0, Role.PRE_CANDIDATE, 0, 0, 0, 0, false);
        assertEquals(noLeader, codec.decode(codec.encode(noLeader)));
        assertEquals(new StatusRequest(), codec.decode(codec.encode(new StatusRequest())));
    }

    @Test
    void aReplicasFullStatusRoundTrips() {
        MembershipConfig config = new MembershipConfig(JointConfig.of(MajorityConfig.of(List.of(1, 2, 3))),
                new TreeSet<>(Set.of(4)), new TreeMap<>(Map.of(4, "10.0.0.4:7000")));
        ReplicaStatusReport report = new ReplicaStatusReport(new NodeStatus(2, 9, Role.FOLLOWER, 1, 500, 499, 501, true),
                config, false, 400, 1 << 20, 3 << 20, 12);
        ReplicaStatusReport back = (ReplicaStatusReport) codec.decode(codec.encode(report));
        assertEquals(report, back);
        ReplicaStatusReport joining = new ReplicaStatusReport(new NodeStatus(5, 0, Role.FOLLOWER, 0, 0, 0, 0, true),
                MembershipConfig.EMPTY, false, 0, 0, 0, 0);
        assertEquals(joining, codec.decode(codec.encode(joining)));
        assertEquals(new ReplicaStatusRequest(), codec.decode(codec.encode(new ReplicaStatusRequest())));
    }

    @Test
    void backupMessagesRoundTrip() {
        BackupReport done = new BackupReport(AdminReply.Status.DONE, "captured at index 812", 2, "10.0.0.2:7000", 77, 5,
                812, 3 << 20, "ab".repeat(32));
        assertEquals(done, codec.decode(codec.encode(done)));
        BackupReport retry = new BackupReport(AdminReply.Status.RETRY, "still moving shards", 0, null, 0, 0, 0, 0, "");
        assertEquals(retry, codec.decode(codec.encode(retry)));
        assertEquals(new BackupRequest(5), codec.decode(codec.encode(new BackupRequest(5))));
        assertEquals(new BackupChunkRequest(77, 4 << 20, 1 << 20),
                codec.decode(codec.encode(new BackupChunkRequest(77, 4 << 20, 1 << 20))));
        assertEquals(new BackupReleaseRequest(77), codec.decode(codec.encode(new BackupReleaseRequest(77))));
        BackupChunk chunk = (BackupChunk) codec.decode(codec.encode(new BackupChunk(null, new byte[] {1, 2, 3})));
        assertArrayEquals(new byte[] {1, 2, 3}, chunk.data());
        assertEquals("gone", ((BackupChunk) codec.decode(codec.encode(new BackupChunk("gone", new byte[0])))).error());
    }

    @Test
    void snapshotChunkKeepsItsBytes() {
        Message.InstallSnapshot is = new Message.InstallSnapshot(1, 2, 7, META, 3, 0, new byte[] {4, 5, 6}, true);
        Message.InstallSnapshot back = (Message.InstallSnapshot) codec.decode(codec.encode(is));
        assertArrayEquals(is.data(), back.data());
        assertEquals(META, back.meta());
    }

    @Test
    void outOfRangeValuesAreDecodeErrorsNotCoreInputs() {
        byte[] ok = codec.encode(new Message.Heartbeat(1, 2, 7, 12, 0));
        byte[] zeroFrom = ok.clone();
        zeroFrom[1] = 0; // the sender id, just after the one-byte type id
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(zeroFrom));
        assertTrue(e.getMessage().contains("node id"), e.getMessage());
    }

    @Test
    void nonContiguousEntriesAreRejected() {
        Message.AppendEntries gap = new Message.AppendEntries(1, 2, 7, 10, 6,
                List.of(Entry.command(11, 7, new byte[0]), Entry.command(13, 7, new byte[0])), 9);
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(codec.encode(gap)));
        assertTrue(e.getMessage().contains("contiguous"), e.getMessage());
    }
}
