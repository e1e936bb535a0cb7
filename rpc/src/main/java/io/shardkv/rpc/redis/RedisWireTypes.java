package io.shardkv.rpc.redis;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.codec.CodecModule;
import io.shardkv.rpc.codec.Wire;

/** What replicas' RESP front ends ask each other, on the wire (shared wire types, ids 43–44). */
public final class RedisWireTypes implements CodecModule {

    @Override
    public void registerTypes(Codec.Builder codec) {
        codec.register(43, RedisEndpointRequest.class, new RequestSerializer())
                .register(44, RedisEndpoint.class, new EndpointSerializer());
    }

    private static final class RequestSerializer extends Serializer<RedisEndpointRequest> {
        @Override
        public void write(Kryo kryo, Output out, RedisEndpointRequest r) {
        }

        @Override
        public RedisEndpointRequest read(Kryo kryo, Input in, Class<? extends RedisEndpointRequest> type) {
            return new RedisEndpointRequest();
        }
    }

    private static final class EndpointSerializer extends Serializer<RedisEndpoint> {
        @Override
        public void write(Kryo kryo, Output out, RedisEndpoint e) {
            out.writeVarInt(e.gid(), true);
            out.writeVarInt(e.nodeId(), true);
            Wire.writeNullableString(out, e.address());
            out.writeBoolean(e.leader());
        }

        @Override
        public RedisEndpoint read(Kryo kryo, Input in, Class<? extends RedisEndpoint> type) {
            return new RedisEndpoint(in.readVarInt(true), in.readVarInt(true), Wire.readNullableString(in), in.readBoolean());
        }
    }
}
