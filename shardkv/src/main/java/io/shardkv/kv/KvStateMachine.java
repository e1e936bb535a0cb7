package io.shardkv.kv;

import io.shardkv.raft.rsm.StateMachine;
import io.shardkv.rpc.kv.KvStatus;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A map from byte-string keys to byte-string values. Writes (put, append, delete, compare-and-set)
 * arrive through the log; reads are queries. Snapshots list the entries in key order, so equal
 * states give equal bytes.
 */
public final class KvStateMachine implements StateMachine {

    private final Map<Key, byte[]> data = new HashMap<>();

    public int size() {
        return data.size();
    }

    @Override
    public byte[] apply(long index, long timeMillis, byte[] command) {
        KvCommands.Command c = KvCommands.decode(command);
        Key key = new Key(c.key());
        return switch (c.op()) {
            case PUT -> {
                data.put(key, c.value());
                yield KvCommands.reply(KvStatus.OK, null);
            }
            case APPEND -> {
                byte[] old = data.get(key);
                data.put(key, old == null ? c.value() : concat(old, c.value()));
                yield KvCommands.reply(KvStatus.OK, null);
            }
            case DELETE -> KvCommands.reply(data.remove(key) != null ? KvStatus.OK : KvStatus.NO_KEY, null);
            case CAS -> {
                byte[] current = data.get(key);
                boolean matches = c.expected() == null ? current == null
                        : current != null && Arrays.equals(current, c.expected());
                if (matches) {
                    data.put(key, c.value());
                    yield KvCommands.reply(KvStatus.OK, null);
                }
                yield KvCommands.reply(KvStatus.CAS_FAILED, current);
            }
            case GET -> throw new IllegalStateException("GET at index " + index + ": reads are never logged");
        };
    }

    @Override
    public byte[] query(byte[] query) {
        byte[] value = data.get(new Key(KvCommands.decodeQuery(query)));
        return value == null ? KvCommands.reply(KvStatus.NO_KEY, null) : KvCommands.reply(KvStatus.OK, value);
    }

    @Override
    public byte[] snapshot() {
        List<Key> keys = new ArrayList<>(data.keySet());
        keys.sort(null);
        int size = 4;
        for (Key k : keys) {
            size += 8 + k.bytes().length + data.get(k).length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).putInt(keys.size());
        for (Key k : keys) {
            byte[] v = data.get(k);
            b.putInt(k.bytes().length).put(k.bytes()).putInt(v.length).put(v);
        }
        return b.array();
    }

    @Override
    public void restore(byte[] snapshot) {
        data.clear();
        ByteBuffer b = ByteBuffer.wrap(snapshot);
        int count = b.getInt();
        for (int i = 0; i < count; i++) {
            byte[] k = new byte[b.getInt()];
            b.get(k);
            byte[] v = new byte[b.getInt()];
            b.get(v);
            data.put(new Key(k), v);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
