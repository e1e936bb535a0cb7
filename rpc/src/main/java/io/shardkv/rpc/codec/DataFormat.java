package io.shardkv.rpc.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The durable formats' plumbing (log commands, replies, snapshots of the replicated services):
 * big-endian {@code DataOutputStream} records, length-prefixed byte fields whose length is checked
 * before anything is allocated, counts that are never negative, and enum constants as one-byte
 * ordinals that are checked against the enum.
 */
public final class DataFormat {

    private DataFormat() {
    }

    /** Writes one record. */
    @FunctionalInterface
    public interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads one record. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    public static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads {@code bytes}; malformed input is an {@link IllegalStateException} naming {@code what} it was. */
    public static <T> T read(byte[] bytes, String what, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return reader.read(in);
        } catch (IOException e) {
            throw new IllegalStateException("malformed " + what + " (" + bytes.length + " bytes): " + e, e);
        }
    }

    /**
     * Reads an enum constant written as its ordinal in one byte ({@code out.writeByte(e.ordinal())});
     * a byte that is no constant's ordinal is malformed input.
     *
     * @param what what the byte is, for the message (for example "shard state")
     */
    public static <E extends Enum<E>> E readEnum(DataInput in, E[] values, String what) throws IOException {
        int ordinal = in.readUnsignedByte();
        if (ordinal >= values.length) {
            throw new IOException(notAnOrdinal(what, ordinal, values));
        }
        return values[ordinal];
    }

    /**
     * The constant of {@code values} whose ordinal is {@code ordinal}, for a format that is not read
     * from a stream; any other number is malformed input, an {@link IllegalStateException}.
     *
     * @param what what the number is, for the message (for example "shard group reply")
     */
    public static <E extends Enum<E>> E enumAt(E[] values, int ordinal, String what) {
        if (ordinal < 0 || ordinal >= values.length) {
            throw new IllegalStateException(notAnOrdinal(what, ordinal, values));
        }
        return values[ordinal];
    }

    private static String notAnOrdinal(String what, int ordinal, Enum<?>[] values) {
        return what + " " + ordinal + " is not one of " + Arrays.toString(values) + " (0 to " + (values.length - 1)
                + ")";
    }

    /**
     * Reads a count (an int); a negative one is malformed input.
     *
     * @param what what is counted, for the message (for example "shards")
     */
    public static int readCount(DataInput in, String what) throws IOException {
        int count = in.readInt();
        if (count < 0) {
            throw new IOException("count of " + what + " is " + count + ", expected 0 or more");
        }
        return count;
    }

    public static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /**
     * Reads a length-prefixed field. From an in-memory record the length is checked against what is
     * left before anything is allocated; from a stream that cannot say (a snapshot file), the field
     * is read in pieces, so a bogus length still allocates no more than the stream holds.
     */
    public static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("field of " + length + " bytes");
        }
        int available = in.available();
        if (length <= available) {
            byte[] b = new byte[length];
            in.readFully(b);
            return b;
        }
        byte[] b = in.readNBytes(length);
        if (b.length != length) {
            throw new IOException("field of " + length + " bytes with " + b.length + " left");
        }
        return b;
    }
}
