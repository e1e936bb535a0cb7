package io.shardkv.kv;

import io.shardkv.rpc.kv.KvLimits;
import io.shardkv.rpc.kv.KvStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the key/value operations do to a map, returning the reply bytes ({@link KvCommands}).
 * Every shard of a shard group applies them to its map (and the tests' single-group state machine
 * to its own).
 */
public final class KvOps {

    /** Why an INCREMENT was refused, in the words Redis uses, so its clients see the same errors. */
    public static final String NOT_AN_INTEGER = "value is not an integer or out of range";
    public static final String OVERFLOW = "increment or decrement would overflow";

    private KvOps() {
    }

    /** Applies a write (put, append, delete, compare-and-set, and the Redis-shaped ones of {@link KvOp}). */
    public static byte[] write(KvMap data, KvCommands.Command c) {
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
                byte[] appended = old == null ? c.value() : concat(old, c.value());
                data.put(key, appended);
                yield KvCommands.reply(KvStatus.OK, decimal(appended.length));
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
            case GET_AND_PUT -> KvCommands.reply(KvStatus.OK, data.put(key, c.value()));
            case PUT_IF_PRESENT -> {
                if (data.get(key) == null) {
                    yield KvCommands.reply(KvStatus.NO_KEY, null);
                }
                data.put(key, c.value());
                yield KvCommands.reply(KvStatus.OK, null);
            }
            case GET_AND_DELETE -> {
                byte[] removed = data.remove(key);
                yield KvCommands.reply(removed == null ? KvStatus.NO_KEY : KvStatus.OK, removed);
            }
            case INCREMENT -> increment(data, key, c.value());
            case MULTI_PUT -> {
                List<byte[]> pairs = KvCommands.decodeList(c.value());
                for (int i = 0; i + 1 < pairs.size(); i += 2) {
                    data.put(new Key(pairs.get(i)), pairs.get(i + 1));
                }
                yield KvCommands.reply(KvStatus.OK, null);
            }
            case MULTI_PUT_IF_ABSENT -> {
                List<byte[]> pairs = KvCommands.decodeList(c.value());
                for (int i = 0; i + 1 < pairs.size(); i += 2) {
                    if (data.get(new Key(pairs.get(i))) != null) {
                        yield KvCommands.reply(KvStatus.CAS_FAILED, null);
                    }
                }
                for (int i = 0; i + 1 < pairs.size(); i += 2) {
                    data.put(new Key(pairs.get(i)), pairs.get(i + 1));
                }
                yield KvCommands.reply(KvStatus.OK, null);
            }
            case MULTI_DELETE -> {
                long deleted = 0;
                for (byte[] k : KvCommands.decodeList(c.value())) {
                    deleted += data.remove(new Key(k)) != null ? 1 : 0;
                }
                yield KvCommands.reply(KvStatus.OK, decimal(deleted));
            }
            case GET, MULTI_GET -> throw new IllegalStateException(c.op() + " is a read: it is never logged");
        };
    }

    /** Reads several keys at one point: the values in order, null where a key is absent. */
    public static byte[] readAll(KvMap data, List<byte[]> keys) {
        List<byte[]> values = new ArrayList<>(keys.size());
        for (byte[] k : keys) {
            values.add(data.get(new Key(k)));
        }
        return KvCommands.reply(KvStatus.OK, KvCommands.encodeList(values));
    }

    private static byte[] increment(KvMap data, Key key, byte[] delta) {
        if (delta.length != Long.BYTES) {
            return KvCommands.refusal("an increment is a 64-bit integer of 8 bytes, not " + delta.length);
        }
        byte[] current = data.get(key);
        Long value = current == null ? Long.valueOf(0) : parseInteger(current);
        if (value == null) {
            return KvCommands.refusal(NOT_AN_INTEGER);
        }
        long sum;
        try {
            sum = Math.addExact(value, ByteBuffer.wrap(delta).getLong());
        } catch (ArithmeticException e) {
            return KvCommands.refusal(OVERFLOW);
        }
        byte[] next = decimal(sum);
        data.put(key, next);
        return KvCommands.reply(KvStatus.OK, next);
    }

    /**
     * {@code bytes} as a decimal 64-bit integer the way Redis reads one — optional minus, no plus,
     * no leading zeros, no spaces — or null if they are not one.
     */
    public static Long parseInteger(byte[] bytes) {
        if (bytes.length == 0 || bytes.length > 20) {
            return null;
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (!text.matches("-?[1-9][0-9]*|0")) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static byte[] decimal(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads a key. */
    public static byte[] read(KvMap data, byte[] key) {
        byte[] value = data.get(new Key(key));
        return value == null ? KvCommands.reply(KvStatus.NO_KEY, null) : KvCommands.reply(KvStatus.OK, value);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
