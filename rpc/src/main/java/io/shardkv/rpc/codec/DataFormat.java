package io.shardkv.rpc.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The durable formats' plumbing (log commands, replies, snapshots of the replicated services):
 * big-endian {@code DataOutputStream} records, length-prefixed byte fields whose length is checked
 * before anything is allocated.
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
