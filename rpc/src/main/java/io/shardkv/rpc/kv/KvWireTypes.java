package io.shardkv.rpc.kv;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.codec.CodecModule;
import io.shardkv.rpc.codec.Wire;

/** The key/value request and response on the wire (shared wire types, ids 32–33). */
public final class KvWireTypes implements CodecModule {

    @Override
    public void registerTypes(Codec.Builder codec) {
        codec.register(32, KvRequest.class, new RequestSerializer())
                .register(33, KvResponse.class, new ResponseSerializer());
    }

    private static void writeNullableBytes(Output out, byte[] bytes) {
        out.writeBoolean(bytes != null);
        if (bytes != null) {
            Wire.writeBytes(out, bytes);
        }
    }

    private static byte[] readNullableBytes(Input in) {
        return in.readBoolean() ? Wire.readBytes(in) : null;
    }

    private static void writeNullableString(Output out, String s) {
        out.writeBoolean(s != null);
        if (s != null) {
            Wire.writeString(out, s);
        }
    }

    private static String readNullableString(Input in) {
        return in.readBoolean() ? Wire.readString(in) : null;
    }

    private static <E extends Enum<E>> E readEnum(Input in, E[] values, String what) {
        int ordinal = in.readVarInt(true);
        if (ordinal < 0 || ordinal >= values.length) {
            throw new KryoException(what + " " + ordinal + " is unknown");
        }
        return values[ordinal];
    }

    private static final class RequestSerializer extends Serializer<KvRequest> {
        @Override
        public void write(Kryo kryo, Output out, KvRequest r) {
            out.writeLong(r.clientId());
            out.writeVarLong(r.seq(), true);
            out.writeVarLong(r.lowestUnacked(), true);
            out.writeVarInt(r.op().ordinal(), true);
            Wire.writeBytes(out, r.key());
            Wire.writeBytes(out, r.value());
            writeNullableBytes(out, r.expected());
        }

        @Override
        public KvRequest read(Kryo kryo, Input in, Class<? extends KvRequest> type) {
            long clientId = in.readLong();
            long seq = in.readVarLong(true);
            long lowest = in.readVarLong(true);
            KvOp op = readEnum(in, KvOp.values(), "operation");
            byte[] key = Wire.readBytes(in);
            byte[] value = Wire.readBytes(in);
            byte[] expected = readNullableBytes(in);
            try {
                return new KvRequest(clientId, seq, lowest, op, key, value, expected);
            } catch (IllegalArgumentException e) {
                throw new KryoException("invalid KvRequest: " + e.getMessage());
            }
        }
    }

    private static final class ResponseSerializer extends Serializer<KvResponse> {
        @Override
        public void write(Kryo kryo, Output out, KvResponse r) {
            out.writeVarInt(r.status().ordinal(), true);
            writeNullableBytes(out, r.value());
            writeNullableString(out, r.leaderHint());
            writeNullableString(out, r.message());
        }

        @Override
        public KvResponse read(Kryo kryo, Input in, Class<? extends KvResponse> type) {
            return new KvResponse(readEnum(in, KvStatus.values(), "status"), readNullableBytes(in),
                    readNullableString(in), readNullableString(in));
        }
    }
}
