package io.shardkv.kv;

import io.shardkv.rpc.codec.DataFormat;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The key/value service's bytes in the Raft log and in the RSM host's reply cache. Layouts
 * (big-endian; "bytes" = int length + content):
 * <pre>
 *   command: op (1) | key bytes | value bytes | expects a value (1) | expected bytes (CAS only)
 *   query:   multi (1) | key bytes, or (multi) a list of keys ({@link #encodeList})
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

    /** A decoded read: one key, or (MULTI_GET) several, read at one point. */
    public record Query(List<byte[]> keys, boolean multi) {
    }

    public static byte[] encodeQuery(byte[] key) {
        return DataFormat.write(out -> {
            out.writeBoolean(false);
            DataFormat.writeBytes(out, key);
        });
    }

    /** A query of the keys in {@code keyList} (as {@link #encodeList} wrote them). */
    public static byte[] encodeMultiQuery(byte[] keyList) {
        return DataFormat.write(out -> {
            out.writeBoolean(true);
            out.write(keyList);
        });
    }

    public static Query decodeQuery(byte[] query) {
        return DataFormat.read(query, "key/value query", in -> {
            boolean multi = in.readBoolean();
            return new Query(multi ? readList(in) : List.of(DataFormat.readBytes(in)), multi);
        });
    }

    /**
     * A list of byte strings — MULTI_PUT's keys and values in turn, MULTI_DELETE's and MULTI_GET's
     * keys, MULTI_GET's answer with null for an absent key: count (4) | (present (1) | bytes)*.
     */
    public static byte[] encodeList(List<byte[]> items) {
        return DataFormat.write(out -> {
            out.writeInt(items.size());
            for (byte[] item : items) {
                out.writeBoolean(item != null);
                if (item != null) {
                    DataFormat.writeBytes(out, item);
                }
            }
        });
    }

    public static List<byte[]> decodeList(byte[] list) {
        return DataFormat.read(list, "key/value list", KvCommands::readList);
    }

    private static List<byte[]> readList(DataInputStream in) throws IOException {
        int count = DataFormat.readCount(in, "list items");
        if (count > in.available()) {
            throw new IOException("a list of " + count + " items in " + in.available() + " bytes");
        }
        List<byte[]> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add(in.readBoolean() ? DataFormat.readBytes(in) : null);
        }
        return items;
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
