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
import io.shardkv.raft.core.Role;
import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.confchange.MembershipCodec;
import io.shardkv.raft.node.NodeStatus;
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
                .register(111, NodeStatus.class, serializer(RaftWireTypes::writeStatus, RaftWireTypes::readStatus));
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

    private static void writeTimeoutNow(Kryo kryo, Output out, TimeoutNow m) {
        header(out, m.from(), m.to(), m.term());
    }

    private static TimeoutNow readTimeoutNow(Reader r) {
        return new TimeoutNow(r.id(), r.id(), r.number("term"));
    }
}
