package io.shardkv.kv;

import io.shardkv.rpc.kv.KvLimits;
import io.shardkv.rpc.kv.KvStatus;
import java.util.Arrays;
import java.util.Map;

/**
 * What the key/value operations do to a map, returning the reply bytes ({@link KvCommands}).
 * Every shard of a shard group applies them to its map (and the tests' single-group state machine
 * to its own).
 */
public final class KvOps {

    private KvOps() {
    }

    /** Applies a write (put, append, delete, compare-and-set). */
    public static byte[] write(Map<Key, byte[]> data, KvCommands.Command c) {
        Key key = new Key(c.key());
        return switch (c.op()) {
            case PUT -> {
                data.put(key, c.value());
                yield KvCommands.reply(KvStatus.OK, null);
            }
            case APPEND -> {
                byte[] old = data.get(key);
                if (old != null && (long) old.length + c.value().length > KvLimits.MAX_VALUE_BYTES) {
                    yield KvCommands.refusal("appending " + c.value().length + " bytes to a value of " + old.length
                            + " would exceed the limit of " + KvLimits.MAX_VALUE_BYTES + " bytes");
                }
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
            case GET -> throw new IllegalStateException("GET is a read: it is never logged");
        };
    }

    /** Reads a key. */
    public static byte[] read(Map<Key, byte[]> data, byte[] key) {
        byte[] value = data.get(new Key(key));
        return value == null ? KvCommands.reply(KvStatus.NO_KEY, null) : KvCommands.reply(KvStatus.OK, value);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
