package io.shardkv.rpc.ctrler;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.codec.CodecModule;
import io.shardkv.rpc.codec.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Controller requests, responses and configurations on the wire (shared wire types, ids 34–36). */
public final class CtrlerWireTypes implements CodecModule {

    @Override
    public void registerTypes(Codec.Builder codec) {
        codec.register(34, Config.class, new ConfigSerializer())
                .register(35, CtrlerRequest.class, new RequestSerializer())
                .register(36, CtrlerResponse.class, new ResponseSerializer());
    }

    static void writeGroups(Output out, Map<Integer, List<String>> groups) {
        Wire.writeCount(out, groups.size());
        for (Map.Entry<Integer, List<String>> g : groups.entrySet()) {
            out.writeVarInt(g.getKey(), true);
            Wire.writeCount(out, g.getValue().size());
            for (String server : g.getValue()) {
                Wire.writeString(out, server);
            }
        }
    }

    static SortedMap<Integer, List<String>> readGroups(Input in) {
        int count = Wire.readCount(in);
        SortedMap<Integer, List<String>> groups = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            int gid = in.readVarInt(true);
            int servers = Wire.readCount(in);
            List<String> list = new ArrayList<>(servers);
            for (int s = 0; s < servers; s++) {
                list.add(Wire.readString(in));
            }
            groups.put(gid, list);
        }
        return groups;
    }

    private static final class ConfigSerializer extends Serializer<Config> {
        @Override
        public void write(Kryo kryo, Output out, Config c) {
            out.writeVarLong(c.num(), true);
            int[] shards = c.shards();
            Wire.writeCount(out, shards.length);
            for (int gid : shards) {
                out.writeVarInt(gid, true);
            }
            writeGroups(out, c.groups());
        }

        @Override
        public Config read(Kryo kryo, Input in, Class<? extends Config> type) {
            long num = in.readVarLong(true);
            int count = Wire.readCount(in);
            int[] shards = new int[count];
            for (int s = 0; s < count; s++) {
                shards[s] = in.readVarInt(true);
            }
            try {
                return new Config(num, shards, readGroups(in));
            } catch (IllegalArgumentException e) {
                throw new KryoException("invalid Config: " + e.getMessage());
            }
        }
    }

    private static final class RequestSerializer extends Serializer<CtrlerRequest> {
        @Override
        public void write(Kryo kryo, Output out, CtrlerRequest r) {
            out.writeLong(r.clientId());
            out.writeVarLong(r.seq(), true);
            out.writeVarLong(r.lowestUnacked(), true);
            Wire.writeEnum(out, r.op());
            writeGroups(out, r.joins());
            Wire.writeCount(out, r.gids().size());
            for (int gid : r.gids()) {
                out.writeVarInt(gid, false);
            }
            out.writeVarInt(r.shard(), false);
            out.writeVarLong(r.num(), false);
        }

        @Override
        public CtrlerRequest read(Kryo kryo, Input in, Class<? extends CtrlerRequest> type) {
            long clientId = in.readLong();
            long seq = in.readVarLong(true);
            long lowest = in.readVarLong(true);
            CtrlerOp op = Wire.readEnum(in, CtrlerOp.values());
            SortedMap<Integer, List<String>> joins = readGroups(in);
            int count = Wire.readCount(in);
            List<Integer> gids = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                gids.add(in.readVarInt(false));
            }
            return new CtrlerRequest(clientId, seq, lowest, op, joins, gids, in.readVarInt(false), in.readVarLong(false));
        }
    }

    private static final class ResponseSerializer extends Serializer<CtrlerResponse> {
        @Override
        public void write(Kryo kryo, Output out, CtrlerResponse r) {
            Wire.writeEnum(out, r.status());
            out.writeBoolean(r.config() != null);
            if (r.config() != null) {
                kryo.writeObject(out, r.config());
            }
            Wire.writeNullableString(out, r.leaderHint());
            Wire.writeNullableString(out, r.message());
        }

        @Override
        public CtrlerResponse read(Kryo kryo, Input in, Class<? extends CtrlerResponse> type) {
            CtrlerStatus status = Wire.readEnum(in, CtrlerStatus.values());
            Config config = in.readBoolean() ? kryo.readObject(in, Config.class) : null;
            return new CtrlerResponse(status, config, Wire.readNullableString(in), Wire.readNullableString(in));
        }
    }
}
