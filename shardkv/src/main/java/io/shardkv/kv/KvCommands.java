package io.shardkv.kv;

import io.shardkv.rpc.codec.DataFormat;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The key/value service's bytes in the Raft log and in the RSM host's reply cache. Layouts
 * (big-endian; "bytes" = int length + content):
 * <pre>
 *   command: op (1) | key bytes | value bytes | expects a value (1) | expected bytes (CAS only)
 *   query:   key bytes
 *   reply:   status (1) | has value (1) | value bytes
 * </pre>
 * These are part of the durable format: change them only with a version. Malformed bytes (an op
 * or status that is no constant's ordinal, a field longer than what is left) are an
 * {@link IllegalStateException} naming what was read.
 */
public final class KvCommands {

    /** A decoded write. */
    public record Command(KvOp op, byte[] key, byte[] value, byte[] expected) {
    }

    private KvCommands() {
    }

    public static byte[] encode(KvRequest r) {
        boolean expects = r.expected() != null;
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + r.key().length + 4 + r.value().length + 1
                + (expects ? 4 + r.expected().length : 0));
        b.put((byte) r.op().ordinal());
        putBytes(b, r.key());
        putBytes(b, r.value());
        b.put((byte) (expects ? 1 : 0));
        if (expects) {
            putBytes(b, r.expected());
        }
        return b.array();
    }

    public static Command decode(byte[] data) {
        return DataFormat.read(data, "key/value command", in -> {
            KvOp op = DataFormat.readEnum(in, KvOp.values(), "key/value op");
            byte[] key = DataFormat.readBytes(in);
            byte[] value = DataFormat.readBytes(in);
            byte[] expected = in.readBoolean() ? DataFormat.readBytes(in) : null;
            return new Command(op, key, value, expected);
        });
    }

    public static byte[] encodeQuery(byte[] key) {
        return ByteBuffer.allocate(4 + key.length).putInt(key.length).put(key).array();
    }

    public static byte[] decodeQuery(byte[] query) {
        return DataFormat.read(query, "key/value query", DataFormat::readBytes);
    }

    public static byte[] reply(KvStatus status, byte[] value) {
        ByteBuffer b = ByteBuffer.allocate(2 + (value == null ? 0 : 4 + value.length));
        b.put((byte) status.ordinal()).put((byte) (value == null ? 0 : 1));
        if (value != null) {
            putBytes(b, value);
        }
        return b.array();
    }

    /** The reply to a write refused when applied (nothing changed); {@code reason} reaches the client. */
    public static byte[] refusal(String reason) {
        return reply(KvStatus.BAD_REQUEST, reason.getBytes(StandardCharsets.UTF_8));
    }

    public static KvResponse decodeReply(byte[] reply) {
        return DataFormat.read(reply, "key/value reply", in -> {
            KvStatus status = DataFormat.readEnum(in, KvStatus.values(), "key/value status");
            byte[] value = in.readBoolean() ? DataFormat.readBytes(in) : null;
            if (status == KvStatus.BAD_REQUEST) {
                return KvResponse.refused(status, value == null ? null : new String(value, StandardCharsets.UTF_8));
            }
            return new KvResponse(status, value, null, null);
        });
    }

    private static void putBytes(ByteBuffer b, byte[] bytes) {
        b.putInt(bytes.length).put(bytes);
    }
}
