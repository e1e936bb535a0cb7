package io.shardkv.rpc.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * Ready-made bounded serializers (see {@link Wire}) for shapes that wire types share. They are
 * stateless, so one instance serves every thread. Lists have no serializer of their own: a record
 * serializer reads them with {@link Wire#readList}, which keeps the element type without casts.
 */
public final class Serializers {

    private static final Serializer<byte[]> BYTES = new BytesSerializer();
    private static final Serializer<String> STRING = new StringSerializer();

    private Serializers() {
    }

    /** {@code byte[]}, bounded by the bytes left in the message. Built into every {@link Codec}. */
    public static Serializer<byte[]> bytes() {
        return BYTES;
    }

    /** {@code String} as UTF-8, bounded by the bytes left in the message. Built into every {@link Codec}. */
    public static Serializer<String> string() {
        return STRING;
    }

    /** An enum as its ordinal; an ordinal outside the enum is a decode error. */
    public static <E extends Enum<E>> Serializer<E> enumOf(Class<E> type) {
        return new EnumSerializer<>(type);
    }

    private static final class BytesSerializer extends Serializer<byte[]> {
        @Override
        public void write(Kryo kryo, Output output, byte[] bytes) {
            Wire.writeBytes(output, bytes);
        }

        @Override
        public byte[] read(Kryo kryo, Input input, Class<? extends byte[]> type) {
            return Wire.readBytes(input);
        }
    }

    private static final class StringSerializer extends Serializer<String> {
        @Override
        public void write(Kryo kryo, Output output, String value) {
            Wire.writeString(output, value);
        }

        @Override
        public String read(Kryo kryo, Input input, Class<? extends String> type) {
            return Wire.readString(input);
        }
    }

    private static final class EnumSerializer<E extends Enum<E>> extends Serializer<E> {
        private final E[] constants;

        EnumSerializer(Class<E> type) {
            this.constants = type.getEnumConstants();
        }

        @Override
        public void write(Kryo kryo, Output output, E value) {
            Wire.writeEnum(output, value);
        }

        @Override
        public E read(Kryo kryo, Input input, Class<? extends E> unused) {
            return Wire.readEnum(input, constants);
        }
    }
}
