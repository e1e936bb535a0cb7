package io.shardkv.raft.process;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.codec.CodecModule;
import io.shardkv.rpc.codec.Wire;

/** The test node process's tiny client protocol (ids 900–903, test only). */
final class ProcessWireTypes implements CodecModule {

    /** Propose {@code data}; answered once it is applied (or known lost) on the node asked. */
    record Propose(byte[] data) {
    }

    /** Outcome of a {@link Propose}: {@code COMMITTED} at {@code index}, {@code LOST}, or {@code NOT_LEADER}. */
    record ProposeReply(String outcome, long index, int leaderHint) {
    }

    record StatusRequest(int unused) {
    }

    record StatusReply(int id, long term, String role, int leader, long commit, long applied) {
    }

    @Override
    public void registerTypes(Codec.Builder codec) {
        codec.register(900, Propose.class, new Serializer<>() {
            @Override
            public void write(Kryo kryo, Output out, Propose p) {
                Wire.writeBytes(out, p.data());
            }

            @Override
            public Propose read(Kryo kryo, Input in, Class<? extends Propose> type) {
                return new Propose(Wire.readBytes(in));
            }
        }).register(901, ProposeReply.class, new Serializer<>() {
            @Override
            public void write(Kryo kryo, Output out, ProposeReply r) {
                Wire.writeString(out, r.outcome());
                out.writeVarLong(r.index(), true);
                out.writeVarInt(r.leaderHint(), true);
            }

            @Override
            public ProposeReply read(Kryo kryo, Input in, Class<? extends ProposeReply> type) {
                return new ProposeReply(Wire.readString(in), in.readVarLong(true), in.readVarInt(true));
            }
        }).register(902, StatusRequest.class, new Serializer<>() {
            @Override
            public void write(Kryo kryo, Output out, StatusRequest r) {
                out.writeVarInt(r.unused(), true);
            }

            @Override
            public StatusRequest read(Kryo kryo, Input in, Class<? extends StatusRequest> type) {
                return new StatusRequest(in.readVarInt(true));
            }
        }).register(903, StatusReply.class, new Serializer<>() {
            @Override
            public void write(Kryo kryo, Output out, StatusReply r) {
                out.writeVarInt(r.id(), true);
                out.writeVarLong(r.term(), true);
                Wire.writeString(out, r.role());
                out.writeVarInt(r.leader(), true);
                out.writeVarLong(r.commit(), true);
                out.writeVarLong(r.applied(), true);
            }

            @Override
            public StatusReply read(Kryo kryo, Input in, Class<? extends StatusReply> type) {
                return new StatusReply(in.readVarInt(true), in.readVarLong(true), Wire.readString(in),
                        in.readVarInt(true), in.readVarLong(true), in.readVarLong(true));
            }
        });
    }
}
