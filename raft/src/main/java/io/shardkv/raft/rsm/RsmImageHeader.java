package io.shardkv.raft.rsm;

import io.shardkv.rpc.codec.DataFormat;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * The host's part at the front of every image an {@link RsmHost} writes — a snapshot or a
 * backup: magic | version | replicated time (8) | session table (length-prefixed). The service's
 * own image follows it. Public so that a tool can rewrite the service's part of an image offline
 * (a restore does) and keep the host's part as it was.
 *
 * @param timeMillis replicated time when the image was captured
 * @param sessions   the session table ({@link SessionTable#writeTo})
 */
public record RsmImageHeader(long timeMillis, byte[] sessions) {

    private static final int MAGIC = 0x534B524D; // "SKRM"
    private static final int VERSION = 2;

    /** Reads the header from the start of an image; {@code what} names the image in the error. */
    public static RsmImageHeader read(DataInputStream in, String what) throws IOException {
        if (in.readInt() != MAGIC || in.readInt() != VERSION) {
            throw new IllegalStateException(what + " is not a replicated state machine image (version " + VERSION + ")");
        }
        return new RsmImageHeader(in.readLong(), DataFormat.readBytes(in));
    }

    /** The header as it starts an image. */
    public byte[] toBytes() {
        return new ByteArrayWriter().putInt(MAGIC).putInt(VERSION).putLong(timeMillis).putBytes(sessions).toByteArray();
    }
}
