package io.shardkv.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.SnapshotBytes;
import io.shardkv.rpc.kv.KvLimits;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KvStateMachineTest {

    private final KvStateMachine sm = new KvStateMachine();
    private long index;

    private static byte[] b(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private KvResponse write(KvOp op, String key, String value, String expected) {
        KvRequest r = new KvRequest(1, 1, 1, op, b(key), b(value), b(expected));
        return KvCommands.decodeReply(sm.apply(++index, 0, KvCommands.encode(r)));
    }

    private KvResponse get(String key) {
        return KvCommands.decodeReply(sm.query(KvCommands.encodeQuery(b(key))));
    }

    @Test
    void putAppendGetDelete() {
        assertEquals(KvStatus.NO_KEY, get("k").status());
        write(KvOp.PUT, "k", "a", null);
        write(KvOp.APPEND, "k", "b", null);
        write(KvOp.APPEND, "new", "x", null);
        assertArrayEquals(b("ab"), get("k").value());
        assertArrayEquals(b("x"), get("new").value());
        assertEquals(KvStatus.OK, write(KvOp.DELETE, "k", null, null).status());
        assertEquals(KvStatus.NO_KEY, write(KvOp.DELETE, "k", null, null).status());
        assertEquals(KvStatus.NO_KEY, get("k").status());
    }

    @Test
    void compareAndSetOnValueAndOnAbsence() {
        KvRequest absent = new KvRequest(1, 1, 1, KvOp.CAS, b("k"), b("v1"), null);
        assertEquals(KvStatus.OK, KvCommands.decodeReply(sm.apply(1, 0, KvCommands.encode(absent))).status());
        KvResponse again = KvCommands.decodeReply(sm.apply(2, 0, KvCommands.encode(absent)));
        assertEquals(KvStatus.CAS_FAILED, again.status());
        assertArrayEquals(b("v1"), again.value());
        assertEquals(KvStatus.OK, write(KvOp.CAS, "k", "v2", "v1").status());
        KvResponse stale = write(KvOp.CAS, "k", "v3", "v1");
        assertEquals(KvStatus.CAS_FAILED, stale.status());
        assertArrayEquals(b("v2"), stale.value());
        assertEquals(KvStatus.CAS_FAILED, write(KvOp.CAS, "missing", "v", "v").status());
        assertNull(write(KvOp.CAS, "missing", "v", "v").value());
    }

    @Test
    void snapshotRestoresTheSameStateAndEqualStatesGiveEqualBytes() throws IOException {
        write(KvOp.PUT, "b", "2", null);
        write(KvOp.PUT, "a", "1", null);
        KvStateMachine copy = new KvStateMachine();
        copy.restore(new ByteArrayInputStream(SnapshotBytes.write(sm.snapshot())));
        assertArrayEquals(b("1"), KvCommands.decodeReply(copy.query(KvCommands.encodeQuery(b("a")))).value());
        KvStateMachine other = new KvStateMachine();
        other.apply(1, 0, KvCommands.encode(new KvRequest(1, 1, 1, KvOp.PUT, b("a"), b("1"), null)));
        other.apply(2, 0, KvCommands.encode(new KvRequest(1, 2, 2, KvOp.PUT, b("b"), b("2"), null)));
        assertArrayEquals(SnapshotBytes.write(sm.snapshot()), SnapshotBytes.write(other.snapshot()));
    }

    @Test
    void anAppendBeyondTheValueLimitIsRefusedWithItsReasonAndChangesNothing() {
        String big = "x".repeat(KvLimits.MAX_VALUE_BYTES - 1);
        assertEquals(KvStatus.OK, write(KvOp.PUT, "k", big, null).status());
        assertEquals(KvStatus.OK, write(KvOp.APPEND, "k", "y", null).status(), "exactly at the limit is fine");
        KvResponse refused = write(KvOp.APPEND, "k", "z", null);
        assertEquals(KvStatus.BAD_REQUEST, refused.status());
        assertTrue(refused.message().contains("would exceed the limit of " + KvLimits.MAX_VALUE_BYTES), refused.message());
        assertEquals(KvLimits.MAX_VALUE_BYTES, get("k").value().length);
    }

    @Test
    void requestsWithTooLargeKeysOrValuesAreRefusedBeforeTheLog() {
        KvRequest bigKey = new KvRequest(1, 1, 1, KvOp.PUT, new byte[KvLimits.MAX_KEY_BYTES + 1], b("v"), null);
        KvRequest bigValue = new KvRequest(1, 1, 1, KvOp.PUT, b("k"), new byte[KvLimits.MAX_VALUE_BYTES + 1], null);
        assertTrue(KvLimits.refusal(bigKey).message().startsWith("key of " + (KvLimits.MAX_KEY_BYTES + 1)));
        assertTrue(KvLimits.refusal(bigValue).message().startsWith("value of " + (KvLimits.MAX_VALUE_BYTES + 1)));
        assertNull(KvLimits.refusal(new KvRequest(1, 1, 1, KvOp.PUT, b("k"), new byte[KvLimits.MAX_VALUE_BYTES], null)));
    }

    @Test
    void aGetInTheLogIsABugNotARead() {
        byte[] get = KvCommands.encode(KvRequest.get(1, 1, 1, b("k")));
        assertThrows(IllegalStateException.class, () -> sm.apply(1, 0, get));
    }
}
