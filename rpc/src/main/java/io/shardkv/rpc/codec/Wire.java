package io.shardkv.rpc.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Bounded reads (and the matching writes) for serializers of wire types.
 *
 * <p>Bytes off the wire are untrusted. Kryo's own helpers (and its stock serializers) allocate
 * {@code new byte[n]} or a collection of capacity {@code n} for a length {@code n} read from the
 * input, so a 20-byte message claiming a 2 GiB array allocates 2 GiB. Every length read here is
 * checked against the bytes actually left in the message <em>before</em> anything is allocated:
 * a byte array of length {@code n} needs {@code n} more bytes, a list of {@code n} elements needs at
 * least {@code n} (every element is encoded in at least one byte, which {@link #writeList} checks).
 * Allocation while decoding is therefore proportional to the size of the message, which the frame
 * decoder has already bounded.
 *
 * <p>Serializers registered with a {@link Codec} must read every length, count and variable-size
 * field through these methods (or check {@link #remaining} themselves). Violations throw
 * {@link KryoException}, which {@link Codec#decode} reports as a {@link CodecException}.
 */
public final class Wire {

    private Wire() {
    }

    /**
     * Bytes left in the message being decoded. {@link Codec} always decodes from a complete
     * in-memory message, so this is exact.
     *
     * @throws IllegalStateException if {@code in} streams from an {@code InputStream}, where the
     *                               end of the message is unknown
     */
    public static int remaining(Input in) {
        if (in.getInputStream() != null) {
            throw new IllegalStateException("bounded reads need the whole message in memory,"
                    + " but this Input reads from a stream");
        }
        return in.limit() - in.position();
    }

    /**
     * Reads an element count written by {@link #writeCount}, rejecting one that is negative or larger
     * than the bytes left (each element takes at least one byte).
     */
    public static int readCount(Input in) {
        return readLength(in, "element count");
    }

    /** Writes a count (of elements each encoded in at least one byte) for {@link #readCount}. */
    public static void writeCount(Output out, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        }
        out.writeVarInt(count, true);
    }

    /** Reads a byte array written by {@link #writeBytes}; allocates only once its bytes are known to be there. */
    public static byte[] readBytes(Input in) {
        int length = readLength(in, "byte array length");
        return in.readBytes(length);
    }

    /** Writes a byte array as its length (a variable-length int) followed by its bytes. */
    public static void writeBytes(Output out, byte[] bytes) {
        out.writeVarInt(bytes.length, true);
        out.writeBytes(bytes);
    }

    /** Reads a string written by {@link #writeString}; malformed UTF-8 becomes U+FFFD. */
    public static String readString(Input in) {
        int length = readLength(in, "string length");
        return new String(in.readBytes(length), StandardCharsets.UTF_8);
    }

    /** Writes a string as its UTF-8 bytes (see {@link #writeBytes}). */
    public static void writeString(Output out, String value) {
        writeBytes(out, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a byte array that may be null (a flag, then {@link #writeBytes}). */
    public static void writeNullableBytes(Output out, byte[] bytes) {
        out.writeBoolean(bytes != null);
        if (bytes != null) {
            writeBytes(out, bytes);
        }
    }

    /** Reads what {@link #writeNullableBytes} wrote. */
    public static byte[] readNullableBytes(Input in) {
        return in.readBoolean() ? readBytes(in) : null;
    }

    /** Writes a string that may be null (a flag, then {@link #writeString}). */
    public static void writeNullableString(Output out, String value) {
        out.writeBoolean(value != null);
        if (value != null) {
            writeString(out, value);
        }
    }

    /** Reads what {@link #writeNullableString} wrote. */
    public static String readNullableString(Input in) {
        return in.readBoolean() ? readString(in) : null;
    }

    /** Writes an enum constant as its ordinal. */
    public static void writeEnum(Output out, Enum<?> value) {
        out.writeVarInt(value.ordinal(), true);
    }

    /** Reads an ordinal written by {@link #writeEnum}; one outside {@code values} is a decode error. */
    public static <E extends Enum<E>> E readEnum(Input in, E[] values) {
        int ordinal = in.readVarInt(true);
        if (ordinal < 0 || ordinal >= values.length) {
            throw new KryoException("ordinal " + Integer.toUnsignedString(ordinal) + " is not a constant of "
                    + values.getClass().getComponentType().getName() + " (it has " + values.length + ")");
        }
        return values[ordinal];
    }

    /**
     * Writes a list of non-null elements of the registered type {@code elementType}, each with that
     * type's registered serializer.
     *
     * @throws IllegalArgumentException if an element is null, is not exactly of
     *                                  {@code elementType}, or encodes to zero bytes (which would
     *                                  let a reader be told of more elements than bytes)
     */
    public static <T> void writeList(Kryo kryo, Output out, List<T> list, Class<T> elementType) {
        writeCount(out, list.size());
        for (int i = 0; i < list.size(); i++) {
            T element = list.get(i);
            if (element == null || element.getClass() != elementType) {
                throw new IllegalArgumentException("list element " + i + " must be a non-null "
                        + elementType.getName() + ", was " + (element == null ? "null" : element.getClass().getName()));
            }
            long before = out.total();
            kryo.writeObject(out, element);
            if (out.total() == before) {
                throw new IllegalArgumentException(elementType.getName()
                        + " encodes to zero bytes, so it cannot be a list element");
            }
        }
    }

    /** Reads a list written by {@link #writeList}; the result is unmodifiable. */
    public static <T> List<T> readList(Kryo kryo, Input in, Class<T> elementType) {
        int count = readCount(in);
        List<T> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int before = in.position();
            list.add(kryo.readObject(in, elementType));
            if (in.position() == before) {
                throw new KryoException("list element " + i + " of " + elementType.getName() + " consumed no bytes");
            }
        }
        return Collections.unmodifiableList(list);
    }

    private static int readLength(Input in, String what) {
        int length = in.readVarInt(true);
        if (length < 0) {
            throw new KryoException(what + " " + Integer.toUnsignedString(length) + " is out of range");
        }
        int remaining = remaining(in);
        if (length > remaining) {
            throw new KryoException(what + " " + length + " exceeds the " + remaining + " bytes left in the message");
        }
        return length;
    }
}
