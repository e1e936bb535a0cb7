package io.shardkv.redis.resp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One reply, in RESP's types. RESP3 types that RESP2 lacks (null, map, set, double, boolean) are
 * written as RESP2 writes them when the connection speaks version 2 ({@link RespEncoder}).
 */
public sealed interface RespReply {

    RespReply OK = new Simple("OK");
    RespReply NULL = new Null();
    RespReply EMPTY_ARRAY = new Array(List.of());

    /** {@code +text}: a status such as OK or PONG. */
    record Simple(String text) implements RespReply {
    }

    /** {@code -PREFIX message}: the prefix (ERR, MOVED, WRONGTYPE, ...) is the message's first word. */
    record Error(String message) implements RespReply {
    }

    /** {@code :n}. */
    record Int(long value) implements RespReply {
    }

    /** {@code $n bytes}. */
    record Bulk(byte[] bytes) implements RespReply {
    }

    /** RESP3 {@code _}; RESP2 a null bulk string ({@code $-1}). */
    record Null() implements RespReply {
    }

    /** {@code *n}, or RESP2's null array ({@code *-1}) when {@code items} is null. */
    record Array(List<RespReply> items) implements RespReply {
    }

    /** RESP3 {@code %n} of key, value pairs; RESP2 a flat array of them. */
    record Map(List<RespReply> keysAndValues) implements RespReply {
        public Map {
            if (keysAndValues.size() % 2 != 0) {
                throw new IllegalArgumentException("a map needs pairs, got " + keysAndValues.size() + " items");
            }
        }
    }

    /** RESP3 verbatim text ({@code =n txt:...}); RESP2 a bulk string. INFO and CLUSTER NODES answer with it. */
    record Verbatim(String text) implements RespReply {
    }

    static RespReply error(String message) {
        return new Error(message);
    }

    static RespReply bulk(String text) {
        return new Bulk(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A bulk string, or null if {@code bytes} is null. */
    static RespReply bulkOrNull(byte[] bytes) {
        return bytes == null ? NULL : new Bulk(bytes);
    }
}
