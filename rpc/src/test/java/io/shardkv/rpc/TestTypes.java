package io.shardkv.rpc;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.codec.CodecModule;
import io.shardkv.rpc.codec.Serializers;
import io.shardkv.rpc.codec.Wire;
import io.shardkv.rpc.tls.RequiresRole;
import io.shardkv.rpc.tls.Role;

import java.util.List;

/** Wire types for the tests, with serializers written the way modules are meant to write theirs. */
public final class TestTypes implements CodecModule {

    public static final int PING_ID = 32;
    public static final int BATCH_ID = 33;
    public static final int BLOB_ID = 34;
    public static final int TREE_ID = 35;
    public static final int COLOR_ID = 36;

    /** A small message with a sequence number, for ordering checks. */
    public record Ping(long seq, String text) {
    }

    /** A list of registered elements; on a TLS connection, role readonly may send it (Ping needs role server). */
    public record Batch(List<Ping> pings) implements RequiresRole {
        @Override
        public Role requiredRole() {
            return Role.READONLY;
        }
    }

    /** Raw bytes. */
    public record Blob(byte[] data) {
    }

    /** A recursive type, for the nesting limit. */
    public record Tree(List<Tree> children) {
    }

    public enum Color { RED, GREEN, BLUE }

    /** Not registered anywhere. */
    public record Unregistered(int x) {
    }

    public static Codec codec() {
        return Codec.builder().install(new TestTypes()).build();
    }

    @Override
    public void registerTypes(Codec.Builder codec) {
        codec.register(PING_ID, Ping.class, new PingSerializer())
                .register(BATCH_ID, Batch.class, new BatchSerializer())
                .register(BLOB_ID, Blob.class, new BlobSerializer())
                .register(TREE_ID, Tree.class, new TreeSerializer())
                .register(COLOR_ID, Color.class, Serializers.enumOf(Color.class));
    }

    public static final class PingSerializer extends Serializer<Ping> {
        @Override
        public void write(Kryo kryo, Output out, Ping ping) {
            out.writeVarLong(ping.seq(), true);
            Wire.writeString(out, ping.text());
        }

        @Override
        public Ping read(Kryo kryo, Input in, Class<? extends Ping> type) {
            return new Ping(in.readVarLong(true), Wire.readString(in));
        }
    }

    static final class BatchSerializer extends Serializer<Batch> {
        @Override
        public void write(Kryo kryo, Output out, Batch batch) {
            Wire.writeList(kryo, out, batch.pings(), Ping.class);
        }

        @Override
        public Batch read(Kryo kryo, Input in, Class<? extends Batch> type) {
            return new Batch(Wire.readList(kryo, in, Ping.class));
        }
    }

    static final class BlobSerializer extends Serializer<Blob> {
        @Override
        public void write(Kryo kryo, Output out, Blob blob) {
            Wire.writeBytes(out, blob.data());
        }

        @Override
        public Blob read(Kryo kryo, Input in, Class<? extends Blob> type) {
            return new Blob(Wire.readBytes(in));
        }
    }

    static final class TreeSerializer extends Serializer<Tree> {
        @Override
        public void write(Kryo kryo, Output out, Tree tree) {
            Wire.writeList(kryo, out, tree.children(), Tree.class);
        }

        @Override
        public Tree read(Kryo kryo, Input in, Class<? extends Tree> type) {
            return new Tree(Wire.readList(kryo, in, Tree.class));
        }
    }
}
