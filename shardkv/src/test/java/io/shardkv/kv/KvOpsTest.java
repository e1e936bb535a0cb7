package io.shardkv.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.group.engine.MemoryShardData;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The writes Redis commands are made of, on a map as a shard holds it. */
class KvOpsTest {

    private final MemoryShardData data = new MemoryShardData();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private KvResponse write(KvOp op, String key, byte[] value) {
        return KvCommands.decodeReply(KvOps.write(data, new KvCommands.Command(op, b(key), value, null)));
    }

    private KvResponse increment(String key, long delta) {
        return write(KvOp.INCREMENT, key, ByteBuffer.allocate(8).putLong(delta).array());
    }

    private String value(String key) {
        byte[] v = data.get(new Key(b(key)));
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    @Test
    void appendAnswersTheNewLength() {
        assertArrayEquals(b("3"), write(KvOp.APPEND, "k", b("abc")).value());
        assertArrayEquals(b("5"), write(KvOp.APPEND, "k", b("de")).value());
        assertEquals("abcde", value("k"));
    }

    @Test
    void getAndPutAnswersWhatItReplaced() {
        KvResponse first = write(KvOp.GET_AND_PUT, "k", b("one"));
        assertEquals(KvStatus.OK, first.status());
        assertNull(first.value(), "nothing was there");
        assertArrayEquals(b("one"), write(KvOp.GET_AND_PUT, "k", b("two")).value());
        assertEquals("two", value("k"));
    }

    @Test
    void putIfPresentWritesOnlyOverAValue() {
        assertEquals(KvStatus.NO_KEY, write(KvOp.PUT_IF_PRESENT, "k", b("v")).status());
        assertNull(data.get(new Key(b("k"))));
        write(KvOp.PUT, "k", b("old"));
        assertEquals(KvStatus.OK, write(KvOp.PUT_IF_PRESENT, "k", b("new")).status());
        assertEquals("new", value("k"));
    }

    @Test
    void getAndDeleteAnswersWhatItDeleted() {
        assertEquals(KvStatus.NO_KEY, write(KvOp.GET_AND_DELETE, "k", new byte[0]).status());
        write(KvOp.PUT, "k", b("v"));
        KvResponse r = write(KvOp.GET_AND_DELETE, "k", new byte[0]);
        assertEquals(KvStatus.OK, r.status());
        assertArrayEquals(b("v"), r.value());
        assertNull(value("k"));
    }

    @Test
    void listsOfKeysArePutDeletedAndReadInOneStep() {
        assertEquals(KvStatus.OK, write(KvOp.MULTI_PUT, "a", KvCommands.encodeList(List.of(b("a"), b("1"), b("b"),
                b("2")))).status());
        assertEquals("1", value("a"));
        assertEquals("2", value("b"));
        KvResponse read = KvCommands.decodeReply(KvOps.readAll(data, List.of(b("a"), b("c"), b("b"))));
        List<byte[]> values = KvCommands.decodeList(read.value());
        assertArrayEquals(b("1"), values.get(0));
        assertNull(values.get(1), "absent");
        assertArrayEquals(b("2"), values.get(2));
        assertArrayEquals(b("2"), write(KvOp.MULTI_DELETE, "a", KvCommands.encodeList(List.of(b("a"), b("b"), b("c"))))
                .value(), "two of the three existed");
        assertEquals(0, data.size());
    }

    @Test
    void listsArePutIfNoneOfTheirKeysExists() {
        byte[] pairs = KvCommands.encodeList(List.of(b("a"), b("1"), b("b"), b("2")));
        assertEquals(KvStatus.OK, write(KvOp.MULTI_PUT_IF_ABSENT, "a", pairs).status());
        assertEquals("1", value("a"));
        assertEquals("2", value("b"));
        byte[] overlapping = KvCommands.encodeList(List.of(b("c"), b("3"), b("b"), b("9")));
        assertEquals(KvStatus.CAS_FAILED, write(KvOp.MULTI_PUT_IF_ABSENT, "c", overlapping).status());
        assertNull(value("c"), "all or nothing: one key existed, so none was written");
        assertEquals("2", value("b"));
        byte[] repeated = KvCommands.encodeList(List.of(b("d"), b("1"), b("d"), b("2")));
        assertEquals(KvStatus.OK, write(KvOp.MULTI_PUT_IF_ABSENT, "d", repeated).status());
        assertEquals("2", value("d"), "a key given twice takes its last value, as in Redis");
    }

    @Test
    void incrementReadsAndWritesDecimalIntegersAsRedisDoes() {
        assertArrayEquals(b("1"), increment("n", 1).value(), "an absent key counts from 0");
        assertArrayEquals(b("-9"), increment("n", -10).value());
        assertEquals("-9", value("n"));
        write(KvOp.PUT, "max", b(Long.toString(Long.MAX_VALUE)));
        KvResponse overflow = increment("max", 1);
        assertEquals(KvStatus.BAD_REQUEST, overflow.status());
        assertEquals(KvOps.OVERFLOW, overflow.message());
        assertEquals(Long.toString(Long.MAX_VALUE), value("max"), "nothing changed");
        for (String notAnInteger : new String[] {"abc", "", " 1", "1 ", "+1", "01", "-0", "1.5", "99999999999999999999"}) {
            write(KvOp.PUT, "s", b(notAnInteger));
            KvResponse r = increment("s", 1);
            assertEquals(KvOps.NOT_AN_INTEGER, r.message(), "'" + notAnInteger + "'");
            assertEquals(notAnInteger, value("s"));
        }
        assertEquals(KvStatus.BAD_REQUEST, write(KvOp.INCREMENT, "n", b("1")).status(), "the delta is 8 bytes");
    }
}
