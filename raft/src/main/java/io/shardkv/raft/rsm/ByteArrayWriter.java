package io.shardkv.raft.rsm;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** A growable big-endian byte buffer for the host's snapshot, whose size is not known up front. */
final class ByteArrayWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteBuffer scratch = ByteBuffer.allocate(8);

    ByteArrayWriter putInt(int v) {
        out.write(scratch.clear().putInt(v).array(), 0, 4);
        return this;
    }

    ByteArrayWriter putLong(long v) {
        out.write(scratch.clear().putLong(v).array(), 0, 8);
        return this;
    }

    /** Length-prefixed bytes, read back by {@link #getBytes}. */
    ByteArrayWriter putBytes(byte[] bytes) {
        putInt(bytes.length);
        out.write(bytes, 0, bytes.length);
        return this;
    }

    /** Raw bytes to the end: only as the last field. */
    ByteArrayWriter putRest(byte[] bytes) {
        out.write(bytes, 0, bytes.length);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    static byte[] getBytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalStateException("snapshot field of " + length + " bytes with " + in.remaining() + " left");
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }
}
