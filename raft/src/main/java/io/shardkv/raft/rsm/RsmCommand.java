package io.shardkv.raft.rsm;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What an {@link RsmHost} writes into the Raft log: a service command wrapped with the time the
 * leader proposed it and, for client commands, the client's session coordinates. Layout (big-endian):
 * <pre>
 *   CLIENT:   kind=1 (1) | timestamp ms (8) | client id (8) | seq (8) | lowest unacked seq (8) | command
 *   INTERNAL: kind=2 (1) | timestamp ms (8) | command
 * </pre>
 */
sealed interface RsmCommand {

    byte CLIENT = 1;
    byte INTERNAL = 2;

    long timestampMillis();

    byte[] command();

    /**
     * A client's command. {@code seq} numbers the client's commands from 1; {@code lowestUnacked}
     * is the lowest seq whose reply the client has not yet received, so replies below it can be
     * forgotten.
     */
    record Client(long timestampMillis, long clientId, long seq, long lowestUnacked, byte[] command)
            implements RsmCommand {
        public Client {
            if (seq < 1 || lowestUnacked < 1 || lowestUnacked > seq) {
                throw new IllegalArgumentException("need 1 <= lowestUnacked <= seq, got seq " + seq
                        + " and lowestUnacked " + lowestUnacked);
            }
            Objects.requireNonNull(command, "command");
        }
    }

    /** A command the service proposes itself (e.g. a configuration change): no session, no dedup. */
    record Internal(long timestampMillis, byte[] command) implements RsmCommand {
        public Internal {
            Objects.requireNonNull(command, "command");
        }
    }

    static byte[] encode(RsmCommand c) {
        if (c instanceof Client cl) {
            return ByteBuffer.allocate(1 + 8 * 4 + cl.command().length).put(CLIENT).putLong(cl.timestampMillis())
                    .putLong(cl.clientId()).putLong(cl.seq()).putLong(cl.lowestUnacked()).put(cl.command()).array();
        }
        return ByteBuffer.allocate(1 + 8 + c.command().length).put(INTERNAL).putLong(c.timestampMillis())
                .put(c.command()).array();
    }

    /** Decodes a log entry; a malformed one means the log is damaged, which is fatal to the node. */
    static RsmCommand decode(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        if (data.length < 9) {
            throw new IllegalStateException("log command of " + data.length + " bytes is too short");
        }
        byte kind = b.get();
        long timestamp = b.getLong();
        if (kind == CLIENT && data.length >= 1 + 8 * 4) {
            long clientId = b.getLong();
            long seq = b.getLong();
            long lowest = b.getLong();
            return new Client(timestamp, clientId, seq, lowest, rest(b));
        }
        if (kind == INTERNAL) {
            return new Internal(timestamp, rest(b));
        }
        throw new IllegalStateException("unknown log command kind " + kind + " (" + data.length + " bytes)");
    }

    private static byte[] rest(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
