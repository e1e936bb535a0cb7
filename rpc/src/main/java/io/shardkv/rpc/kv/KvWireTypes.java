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

    private static final class RequestSerializer extends Serializer<KvRequest> {
        @Override
        public void write(Kryo kryo, Output out, KvRequest r) {
            out.writeLong(r.clientId());
            out.writeVarLong(r.seq(), true);
            out.writeVarLong(r.lowestUnacked(), true);
            Wire.writeEnum(out, r.op());
            Wire.writeBytes(out, r.key());
            Wire.writeBytes(out, r.value());
            Wire.writeNullableBytes(out, r.expected());
        }

        @Override
        public KvRequest read(Kryo kryo, Input in, Class<? extends KvRequest> type) {
            long clientId = in.readLong();
            long seq = in.readVarLong(true);
            long lowest = in.readVarLong(true);
            KvOp op = Wire.readEnum(in, KvOp.values());
            byte[] key = Wire.readBytes(in);
            byte[] value = Wire.readBytes(in);
            byte[] expected = Wire.readNullableBytes(in);
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
            Wire.writeEnum(out, r.status());
            Wire.writeNullableBytes(out, r.value());
            Wire.writeNullableString(out, r.leaderHint());
            Wire.writeNullableString(out, r.message());
        }

        @Override
        public KvResponse read(Kryo kryo, Input in, Class<? extends KvResponse> type) {
            return new KvResponse(Wire.readEnum(in, KvStatus.values()), Wire.readNullableBytes(in),
                    Wire.readNullableString(in), Wire.readNullableString(in));
        }
    }
}
