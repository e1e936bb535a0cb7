package io.shardkv.raft.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.Message.AppendEntries;
import io.shardkv.raft.core.Message.AppendResponse;
import io.shardkv.raft.core.Message.Heartbeat;
import io.shardkv.raft.core.Message.HeartbeatResponse;
import io.shardkv.raft.core.Message.InstallSnapshot;
import io.shardkv.raft.core.Message.SnapshotAck;
import io.shardkv.raft.core.Message.TimeoutNow;
import io.shardkv.raft.core.Message.VoteRequest;
import io.shardkv.raft.core.Message.VoteResponse;
import io.shardkv.raft.core.ReplicationProgress;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.confchange.ConfChange;
import io.shardkv.raft.core.confchange.MembershipCodec;
import io.shardkv.raft.core.tracker.MembershipConfig;
import io.shardkv.raft.node.NodeStatus;
import io.shardkv.raft.server.AdminReply;
import io.shardkv.raft.server.BackupChunk;
import io.shardkv.raft.server.BackupChunkRequest;
import io.shardkv.raft.server.BackupReleaseRequest;
import io.shardkv.raft.server.BackupReport;
import io.shardkv.raft.server.BackupRequest;
import io.shardkv.raft.server.LeaderTransferRequest;
import io.shardkv.raft.server.MembershipChangeRequest;
import io.shardkv.raft.server.MembershipReport;
import io.shardkv.raft.server.MembershipRequest;
import io.shardkv.raft.server.ReplicaStatusReport;
import io.shardkv.raft.server.ReplicaStatusRequest;
import io.shardkv.raft.server.StatusRequest;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.codec.CodecModule;
import io.shardkv.rpc.codec.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The Raft messages on the wire, and a replica's status (a request any replica answers), ids 100–119. Every field is written explicitly; every read goes
 * through {@link Wire}'s bounds and every decoded value through the records' own validation, so a
 * damaged or hostile message is a decode error, never an out-of-range value inside the core.
 */
public final class RaftWireTypes implements CodecModule {

    public static final int FIRST_ID = 100;

    @Override
    public void registerTypes(Codec.Builder codec) {
        codec.register(100, Entry.class, serializer(RaftWireTypes::writeEntry, RaftWireTypes::readEntry))
                .register(101, AppendEntries.class, serializer(RaftWireTypes::writeAppend, RaftWireTypes::readAppend))
                .register(102, AppendResponse.class,
                        serializer(RaftWireTypes::writeAppendResponse, RaftWireTypes::readAppendResponse))
                .register(103, VoteRequest.class, serializer(RaftWireTypes::writeVote, RaftWireTypes::readVote))
                .register(104, VoteResponse.class,
                        serializer(RaftWireTypes::writeVoteResponse, RaftWireTypes::readVoteResponse))
                .register(105, Heartbeat.class, serializer(RaftWireTypes::writeHeartbeat, RaftWireTypes::readHeartbeat))
                .register(106, HeartbeatResponse.class,
                        serializer(RaftWireTypes::writeHeartbeatResponse, RaftWireTypes::readHeartbeatResponse))
                .register(107, InstallSnapshot.class,
                        serializer(RaftWireTypes::writeSnapshot, RaftWireTypes::readSnapshot))
                .register(108, SnapshotAck.class, serializer(RaftWireTypes::writeSnapshotAck, RaftWireTypes::readSnapshotAck))
                .register(109, TimeoutNow.class, serializer(RaftWireTypes::writeTimeoutNow, RaftWireTypes::readTimeoutNow))
                .register(110, StatusRequest.class, serializer((kryo, out, m) -> { }, r -> new StatusRequest()))
                .register(111, NodeStatus.class, serializer(RaftWireTypes::writeStatus, RaftWireTypes::readStatus))
                .register(112, MembershipRequest.class, serializer((kryo, out, m) -> { }, r -> new MembershipRequest()))
                .register(113, MembershipReport.class,
                        serializer(RaftWireTypes::writeMembershipReport, RaftWireTypes::readMembershipReport))
                .register(114, MembershipChangeRequest.class,
                        serializer(RaftWireTypes::writeChangeRequest, RaftWireTypes::readChangeRequest))
                .register(115, LeaderTransferRequest.class,
                        serializer((kryo, out, m) -> out.writeVarInt(m.target(), true),
                                r -> new LeaderTransferRequest(r.id())))
                .register(116, AdminReply.class, serializer(RaftWireTypes::writeAdminReply, RaftWireTypes::readAdminReply))
                .register(117, ReplicaStatusRequest.class, serializer((kryo, out, m) -> { },
                        r -> new ReplicaStatusRequest()))
                .register(118, ReplicaStatusReport.class,
                        serializer(RaftWireTypes::writeReplicaStatus, RaftWireTypes::readReplicaStatus))
                .register(119, BackupRequest.class, serializer((kryo, out, m) -> out.writeVarLong(m.point(), true),
                        r -> new BackupRequest(r.number("backup point"))))
                .register(120, BackupReport.class,
                        serializer(RaftWireTypes::writeBackupReport, RaftWireTypes::readBackupReport))
                .register(121, BackupChunkRequest.class, serializer((kryo, out, m) -> {
                    out.writeVarLong(m.id(), true);
                    out.writeVarLong(m.offset(), true);
                    out.writeVarInt(m.maxBytes(), true);
                }, r -> new BackupChunkRequest(r.number("backup id"), r.number("offset"), r.in().readVarInt(true))))
                .register(122, BackupChunk.class, serializer((kryo, out, m) -> {
                    Wire.writeNullableString(out, m.error());
                    Wire.writeBytes(out, m.data());
                }, r -> new BackupChunk(Wire.readNullableString(r.in()), Wire.readBytes(r.in()))))
                .register(123, BackupReleaseRequest.class,
                        serializer((kryo, out, m) -> out.writeVarLong(m.id(), true),
                                r -> new BackupReleaseRequest(r.number("backup id"))));
    }

    /** A serializer from a pair of functions; constructor validation failures become decode errors. */
    private static <T> Serializer<T> serializer(Writer<T> writer, Function<Reader, T> reader) {
        return new Serializer<>() {
            @Override
            public void write(Kryo kryo, Output output, T value) {
                writer.write(kryo, output, value);
            }

            @Override
            public T read(Kryo kryo, Input input, Class<? extends T> type) {
                try {
                    return reader.apply(new Reader(kryo, input));
                } catch (IllegalArgumentException e) {
                    throw new KryoException("invalid " + type.getSimpleName() + ": " + e.getMessage());
                }
            }
        };
    }

    @FunctionalInterface
    private interface Writer<T> {
        void write(Kryo kryo, Output out, T value);
    }

    /** Reads the primitive shapes every message uses, rejecting negative values. */
    private record Reader(Kryo kryo, Input in) {
        int id() {
            int v = in.readVarInt(true);
            if (v < 1) {
                throw new IllegalArgumentException("node id " + v + " must be >= 1");
            }
            return v;
        }

        long number(String what) {
            long v = in.readVarLong(true);
            if (v < 0) {
                throw new IllegalArgumentException(what + " " + v + " must be >= 0");
            }
            return v;
        }

        boolean flag() {
            return in.readBoolean();
        }

        /** A node id, or 0 for none. */
        int nodeOrNone() {
            int v = in.readVarInt(true);
            if (v < 0) {
                throw new IllegalArgumentException("node id " + v + " must be >= 0");
            }
            return v;
        }
    }

    private static void header(Output out, int from, int to, long term) {
        out.writeVarInt(from, true);
        out.writeVarInt(to, true);
        out.writeVarLong(term, true);
    }

    private static void writeEntry(Kryo kryo, Output out, Entry e) {
        out.writeVarLong(e.index(), true);
        out.writeVarLong(e.term(), true);
        out.writeByte(e.kind().ordinal());
        Wire.writeBytes(out, e.data());
    }

    private static Entry readEntry(Reader r) {
        long index = r.number("entry index");
        long term = r.number("entry term");
        int kind = r.in().readByte();
        byte[] data = Wire.readBytes(r.in());
        Entry.Kind[] kinds = Entry.Kind.values();
        if (kind < 0 || kind >= kinds.length) {
            throw new IllegalArgumentException("entry kind " + kind + " is unknown");
        }
        if (kinds[kind] == Entry.Kind.CONFIG) {
            MembershipCodec.decode(data);
        }
        return new Entry(index, term, kinds[kind], data);
    }

    private static void writeAppend(Kryo kryo, Output out, AppendEntries m) {
        header(out, m.from(), m.to(), m.term());
        out.writeVarLong(m.prevIndex(), true);
        out.writeVarLong(m.prevTerm(), true);
        out.writeVarLong(m.commit(), true);
        Wire.writeList(kryo, out, m.entries(), Entry.class);
    }

    private static AppendEntries readAppend(Reader r) {
        int from = r.id();
        int to = r.id();
        long term = r.number("term");
        long prevIndex = r.number("prevIndex");
        long prevTerm = r.number("prevTerm");
        long commit = r.number("commit");
        List<Entry> entries = Wire.readList(r.kryo(), r.in(), Entry.class);
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).index() != prevIndex + 1 + i) {
                throw new IllegalArgumentException("entries are not contiguous after prevIndex " + prevIndex);
            }
        }
        return new AppendEntries(from, to, term, prevIndex, prevTerm, entries, commit);
    }

    private static void writeAppendResponse(Kryo kryo, Output out, AppendResponse m) {
        header(out, m.from(), m.to(), m.term());
        out.writeBoolean(m.rejected());
        out.writeVarLong(m.index(), true);
        out.writeVarLong(m.hintIndex(), true);
        out.writeVarLong(m.hintTerm(), true);
    }

    private static AppendResponse readAppendResponse(Reader r) {
        return new AppendResponse(r.id(), r.id(), r.number("term"), r.flag(), r.number("index"),
                r.number("hintIndex"), r.number("hintTerm"));
    }

    private static void writeVote(Kryo kryo, Output out, VoteRequest m) {
        header(out, m.from(), m.to(), m.term());
        out.writeVarLong(m.lastIndex(), true);
        out.writeVarLong(m.lastTerm(), true);
        out.writeBoolean(m.preVote());
        out.writeBoolean(m.transfer());
    }

    private static VoteRequest readVote(Reader r) {
        return new VoteRequest(r.id(), r.id(), r.number("term"), r.number("lastIndex"), r.number("lastTerm"),
                r.flag(), r.flag());
    }

    private static void writeVoteResponse(Kryo kryo, Output out, VoteResponse m) {
        header(out, m.from(), m.to(), m.term());
        out.writeBoolean(m.preVote());
        out.writeBoolean(m.granted());
    }

    private static VoteResponse readVoteResponse(Reader r) {
        return new VoteResponse(r.id(), r.id(), r.number("term"), r.flag(), r.flag());
    }

    private static void writeHeartbeat(Kryo kryo, Output out, Heartbeat m) {
        header(out, m.from(), m.to(), m.term());
        out.writeVarLong(m.commit(), true);
        out.writeVarLong(m.readSeq(), true);
    }

    private static Heartbeat readHeartbeat(Reader r) {
        return new Heartbeat(r.id(), r.id(), r.number("term"), r.number("commit"), r.number("readSeq"));
    }

    private static void writeHeartbeatResponse(Kryo kryo, Output out, HeartbeatResponse m) {
        header(out, m.from(), m.to(), m.term());
        out.writeVarLong(m.readSeq(), true);
    }

    private static HeartbeatResponse readHeartbeatResponse(Reader r) {
        return new HeartbeatResponse(r.id(), r.id(), r.number("term"), r.number("readSeq"));
    }

    private static void writeSnapshot(Kryo kryo, Output out, InstallSnapshot m) {
        header(out, m.from(), m.to(), m.term());
        SnapshotMeta meta = m.meta();
        out.writeVarLong(meta.index(), true);
        out.writeVarLong(meta.term(), true);
        Wire.writeBytes(out, MembershipCodec.encode(meta.config()));
        out.writeVarLong(m.totalBytes(), true);
        out.writeVarLong(m.offset(), true);
        Wire.writeBytes(out, m.data());
        out.writeBoolean(m.done());
    }

    private static InstallSnapshot readSnapshot(Reader r) {
        int from = r.id();
        int to = r.id();
        long term = r.number("term");
        long index = r.number("snapshot index");
        long snapTerm = r.number("snapshot term");
        SnapshotMeta meta = new SnapshotMeta(index, snapTerm, MembershipCodec.decode(Wire.readBytes(r.in())));
        return new InstallSnapshot(from, to, term, meta, r.number("totalBytes"), r.number("offset"),
                Wire.readBytes(r.in()), r.flag());
    }

    private static void writeSnapshotAck(Kryo kryo, Output out, SnapshotAck m) {
        header(out, m.from(), m.to(), m.term());
        out.writeVarLong(m.snapshotIndex(), true);
        out.writeVarLong(m.nextOffset(), true);
        out.writeBoolean(m.outOfOrder());
    }

    private static SnapshotAck readSnapshotAck(Reader r) {
        return new SnapshotAck(r.id(), r.id(), r.number("term"), r.number("snapshotIndex"), r.number("nextOffset"),
                r.flag());
    }

    private static void writeStatus(Kryo kryo, Output out, NodeStatus s) {
        out.writeVarInt(s.id(), true);
        out.writeVarLong(s.term(), true);
        out.writeByte(s.role().ordinal());
        out.writeVarInt(s.leader(), true);
        out.writeVarLong(s.commitIndex(), true);
        out.writeVarLong(s.appliedIndex(), true);
        out.writeVarLong(s.lastIndex(), true);
        out.writeBoolean(s.running());
    }

    private static NodeStatus readStatus(Reader r) {
        int id = r.id();
        long term = r.number("term");
        int role = r.in().readByte();
        Role[] roles = Role.values();
        if (role < 0 || role >= roles.length) {
            throw new IllegalArgumentException("role " + role + " is unknown");
        }
        int leader = r.in().readVarInt(true);
        if (leader < 0) {
            throw new IllegalArgumentException("leader " + leader + " must be >= 0");
        }
        return new NodeStatus(id, term, roles[role], leader, r.number("commit index"), r.number("applied index"),
                r.number("last index"), r.flag());
    }

    private static void writeMembershipReport(Kryo kryo, Output out, MembershipReport m) {
        out.writeVarInt(m.replica(), true);
        out.writeVarInt(m.leader(), true);
        Wire.writeNullableString(out, m.leaderAddress());
        Wire.writeBytes(out, MembershipCodec.encode(m.config()));
        out.writeVarLong(m.index(), true);
        out.writeBoolean(m.committed());
        out.writeVarLong(m.lastIndex(), true);
        Wire.writeCount(out, m.progress().size());
        for (ReplicationProgress p : m.progress()) {
            out.writeVarInt(p.id(), true);
            out.writeVarLong(p.match(), true);
            out.writeVarLong(p.entriesBehind(), true);
            out.writeVarLong(p.bytesBehind(), true);
        }
    }

    private static MembershipReport readMembershipReport(Reader r) {
        int replica = r.id();
        int leader = r.nodeOrNone();
        String leaderAddress = Wire.readNullableString(r.in());
        MembershipConfig config = MembershipCodec.decode(Wire.readBytes(r.in()));
        long index = r.number("configuration index");
        boolean committed = r.flag();
        long lastIndex = r.number("last index");
        int count = Wire.readCount(r.in());
        if (count > MembershipCodec.MAX_MEMBERS) {
            throw new IllegalArgumentException(count + " members' progress exceeds the limit of "
                    + MembershipCodec.MAX_MEMBERS);
        }
        List<ReplicationProgress> progress = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            progress.add(new ReplicationProgress(r.id(), r.number("match"), r.number("entries behind"),
                    r.number("bytes behind")));
        }
        return new MembershipReport(replica, leader, leaderAddress, config, index, committed, lastIndex, progress);
    }

    private static void writeReplicaStatus(Kryo kryo, Output out, ReplicaStatusReport m) {
        writeStatus(kryo, out, m.status());
        Wire.writeBytes(out, MembershipCodec.encode(m.config()));
        out.writeBoolean(m.removed());
        out.writeVarLong(m.snapshotIndex(), true);
        out.writeVarLong(m.snapshotBytes(), true);
        out.writeVarLong(m.diskBytes(), true);
        out.writeVarLong(m.stallMillis(), true);
    }

    private static ReplicaStatusReport readReplicaStatus(Reader r) {
        NodeStatus status = readStatus(r);
        MembershipConfig config = MembershipCodec.decode(Wire.readBytes(r.in()));
        return new ReplicaStatusReport(status, config, r.flag(), r.number("snapshot index"), r.number("snapshot bytes"),
                r.number("disk bytes"), r.number("stall"));
    }

    private static void writeBackupReport(Kryo kryo, Output out, BackupReport m) {
        Wire.writeEnum(out, m.status());
        Wire.writeString(out, m.message());
        out.writeVarInt(m.leader(), true);
        Wire.writeNullableString(out, m.leaderAddress());
        out.writeVarLong(m.id(), true);
        out.writeVarLong(m.point(), true);
        out.writeVarLong(m.index(), true);
        out.writeVarLong(m.bytes(), true);
        Wire.writeString(out, m.sha256());
    }

    private static BackupReport readBackupReport(Reader r) {
        return new BackupReport(Wire.readEnum(r.in(), AdminReply.Status.values()), Wire.readString(r.in()),
                r.nodeOrNone(), Wire.readNullableString(r.in()), r.number("backup id"), r.number("backup point"),
                r.number("index"), r.number("bytes"), Wire.readString(r.in()));
    }

    private static void writeChangeRequest(Kryo kryo, Output out, MembershipChangeRequest m) {
        List<ConfChange.Op> ops = m.change().ops();
        Wire.writeCount(out, ops.size());
        for (ConfChange.Op op : ops) {
            Wire.writeEnum(out, op.type());
            out.writeVarInt(op.id(), true);
            Wire.writeNullableString(out, op.address());
        }
    }

    private static MembershipChangeRequest readChangeRequest(Reader r) {
        int count = Wire.readCount(r.in());
        if (count > MembershipCodec.MAX_MEMBERS) {
            throw new IllegalArgumentException(count + " operations exceed the limit of " + MembershipCodec.MAX_MEMBERS);
        }
        List<ConfChange.Op> ops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ops.add(new ConfChange.Op(Wire.readEnum(r.in(), ConfChange.Type.values()), r.id(),
                    Wire.readNullableString(r.in())));
        }
        return new MembershipChangeRequest(new ConfChange(ops));
    }

    private static void writeAdminReply(Kryo kryo, Output out, AdminReply m) {
        Wire.writeEnum(out, m.status());
        out.writeVarLong(m.index(), true);
        out.writeVarInt(m.leader(), true);
        Wire.writeNullableString(out, m.leaderAddress());
        Wire.writeString(out, m.message());
    }

    private static AdminReply readAdminReply(Reader r) {
        return new AdminReply(Wire.readEnum(r.in(), AdminReply.Status.values()), r.number("index"), r.nodeOrNone(),
                Wire.readNullableString(r.in()), Wire.readString(r.in()));
    }

    private static void writeTimeoutNow(Kryo kryo, Output out, TimeoutNow m) {
        header(out, m.from(), m.to(), m.term());
    }

    private static TimeoutNow readTimeoutNow(Reader r) {
        return new TimeoutNow(r.id(), r.id(), r.number("term"));
    }
}
