package io.shardkv.rpc.migration;

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
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Shard migration between groups, and the shard status operators ask for, on the wire (shared wire types, ids 37–42). */
public final class MigrationWireTypes implements CodecModule {

    @Override
    public void registerTypes(Codec.Builder codec) {
        codec.register(37, PullShardRequest.class, new PullRequestSerializer())
                .register(38, PullShardResponse.class, new PullResponseSerializer())
                .register(39, DeleteShardRequest.class, new DeleteRequestSerializer())
                .register(40, DeleteShardResponse.class, new DeleteResponseSerializer())
                .register(41, ShardStatusRequest.class, new StatusRequestSerializer())
                .register(42, ShardStatusReport.class, new StatusReportSerializer());
    }

    private static <T> T checked(String type, Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new KryoException("invalid " + type + ": " + e.getMessage());
        }
    }

    private static final class PullRequestSerializer extends Serializer<PullShardRequest> {
        @Override
        public void write(Kryo kryo, Output out, PullShardRequest r) {
            out.writeVarInt(r.shard(), false);
            out.writeVarLong(r.handoff(), false);
            Wire.writeNullableBytes(out, r.after());
            out.writeVarInt(r.maxBytes(), false);
        }

        @Override
        public PullShardRequest read(Kryo kryo, Input in, Class<? extends PullShardRequest> type) {
            int shard = in.readVarInt(false);
            long handoff = in.readVarLong(false);
            byte[] after = Wire.readNullableBytes(in);
            int maxBytes = in.readVarInt(false);
            return checked("PullShardRequest", () -> new PullShardRequest(shard, handoff, after, maxBytes));
        }
    }

    private static final class PullResponseSerializer extends Serializer<PullShardResponse> {
        @Override
        public void write(Kryo kryo, Output out, PullShardResponse r) {
            Wire.writeEnum(out, r.status());
            out.writeVarLong(r.configNum(), true);
            Wire.writeCount(out, r.keys().size());
            for (int i = 0; i < r.keys().size(); i++) {
                Wire.writeBytes(out, r.keys().get(i));
                Wire.writeBytes(out, r.values().get(i));
            }
            out.writeBoolean(r.last());
            Wire.writeBytes(out, r.sessions());
            Wire.writeNullableString(out, r.message());
        }

        @Override
        public PullShardResponse read(Kryo kryo, Input in, Class<? extends PullShardResponse> type) {
            MigrationStatus status = Wire.readEnum(in, MigrationStatus.values());
            long configNum = in.readVarLong(true);
            int count = Wire.readCount(in);
            List<byte[]> keys = new ArrayList<>(count);
            List<byte[]> values = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                keys.add(Wire.readBytes(in));
                values.add(Wire.readBytes(in));
            }
            boolean last = in.readBoolean();
            byte[] sessions = Wire.readBytes(in);
            String message = Wire.readNullableString(in);
            return checked("PullShardResponse",
                    () -> new PullShardResponse(status, configNum, keys, values, last, sessions, message));
        }
    }

    private static final class DeleteRequestSerializer extends Serializer<DeleteShardRequest> {
        @Override
        public void write(Kryo kryo, Output out, DeleteShardRequest r) {
            out.writeVarInt(r.shard(), false);
            out.writeVarLong(r.handoff(), false);
        }

        @Override
        public DeleteShardRequest read(Kryo kryo, Input in, Class<? extends DeleteShardRequest> type) {
            int shard = in.readVarInt(false);
            long handoff = in.readVarLong(false);
            return checked("DeleteShardRequest", () -> new DeleteShardRequest(shard, handoff));
        }
    }

    private static final class DeleteResponseSerializer extends Serializer<DeleteShardResponse> {
        @Override
        public void write(Kryo kryo, Output out, DeleteShardResponse r) {
            Wire.writeEnum(out, r.status());
            Wire.writeNullableString(out, r.leaderHint());
            Wire.writeNullableString(out, r.message());
        }

        @Override
        public DeleteShardResponse read(Kryo kryo, Input in, Class<? extends DeleteShardResponse> type) {
            MigrationStatus status = Wire.readEnum(in, MigrationStatus.values());
            String hint = Wire.readNullableString(in);
            String message = Wire.readNullableString(in);
            return checked("DeleteShardResponse", () -> new DeleteShardResponse(status, hint, message));
        }
    }

    private static final class StatusRequestSerializer extends Serializer<ShardStatusRequest> {
        @Override
        public void write(Kryo kryo, Output out, ShardStatusRequest r) {
        }

        @Override
        public ShardStatusRequest read(Kryo kryo, Input in, Class<? extends ShardStatusRequest> type) {
            return new ShardStatusRequest();
        }
    }

    private static final class StatusReportSerializer extends Serializer<ShardStatusReport> {
        @Override
        public void write(Kryo kryo, Output out, ShardStatusReport r) {
            out.writeVarInt(r.gid(), true);
            out.writeVarLong(r.configNum(), true);
            out.writeBoolean(r.settled());
            Wire.writeCount(out, r.states().size());
            r.states().forEach((shard, state) -> {
                out.writeVarInt(shard, true);
                Wire.writeString(out, state);
                out.writeVarInt(r.keys().get(shard), true);
            });
            out.writeVarLong(r.migratedBytes(), true);
        }

        @Override
        public ShardStatusReport read(Kryo kryo, Input in, Class<? extends ShardStatusReport> type) {
            int gid = in.readVarInt(true);
            long configNum = in.readVarLong(true);
            boolean settled = in.readBoolean();
            int count = Wire.readCount(in);
            SortedMap<Integer, String> states = new TreeMap<>();
            SortedMap<Integer, Integer> keys = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                int shard = in.readVarInt(true);
                states.put(shard, Wire.readString(in));
                keys.put(shard, in.readVarInt(true));
            }
            long migrated = in.readVarLong(true);
            return checked("ShardStatusReport", () -> new ShardStatusReport(gid, configNum, settled, states, keys, migrated));
        }
    }
}
