package io.shardkv.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The key/value bytes in logs and reply caches: read back as written, and corrupt ones named. */
class KvCommandsTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void commandsQueriesAndRepliesAreReadBackAsWritten() {
        KvCommands.Command cas = KvCommands.decode(KvCommands.encode(
                new KvRequest(1, 2, 1, KvOp.CAS, b("k"), b("new"), b("old"))));
        assertEquals(KvOp.CAS, cas.op());
        assertArrayEquals(b("k"), cas.key());
        assertArrayEquals(b("new"), cas.value());
        assertArrayEquals(b("old"), cas.expected());
        assertArrayEquals(b("k"), KvCommands.decodeQuery(KvCommands.encodeQuery(b("k"))).keys().get(0));
        KvCommands.Query multi = KvCommands.decodeQuery(KvCommands.encodeMultiQuery(KvCommands.encodeList(
                List.of(b("a"), b("b")))));
        assertTrue(multi.multi());
        assertArrayEquals(b("b"), multi.keys().get(1));
        KvResponse failed = KvCommands.decodeReply(KvCommands.reply(KvStatus.CAS_FAILED, b("now")));
        assertEquals(KvStatus.CAS_FAILED, failed.status());
        assertArrayEquals(b("now"), failed.value());
        assertEquals("too big", KvCommands.decodeReply(KvCommands.refusal("too big")).message());
    }

    @Test
    void aCommandWhoseOpIsNoOpsOrdinalIsNamed() {
        byte[] command = KvCommands.encode(new KvRequest(1, 2, 1, KvOp.PUT, b("k"), b("v"), null));
        command[0] = 13;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KvCommands.decode(command));
        assertEquals("malformed key/value command (12 bytes): java.io.IOException: key/value op 13 is not one of"
                + " [GET, PUT, APPEND, DELETE, CAS, GET_AND_PUT, PUT_IF_PRESENT, GET_AND_DELETE, INCREMENT, MULTI_PUT,"
                + " MULTI_DELETE, MULTI_GET, MULTI_PUT_IF_ABSENT] (0 to 12)", e.getMessage());
    }

    @Test
    void aReplyWhoseStatusIsNoStatussOrdinalIsNamed() {
        byte[] reply = KvCommands.reply(KvStatus.OK, null);
        reply[0] = (byte) 0xf0;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KvCommands.decodeReply(reply));
        assertEquals("malformed key/value reply (2 bytes): java.io.IOException: key/value status 240 is not one of"
                + " [OK, NO_KEY, CAS_FAILED, WRONG_LEADER, WRONG_GROUP, TIMEOUT, SESSION_EXPIRED, BAD_REQUEST,"
                + " SHUTTING_DOWN] (0 to 8)", e.getMessage());
    }

    @Test
    void aFieldLongerThanTheRecordIsNamedBeforeAnythingIsAllocated() {
        byte[] command = KvCommands.encode(new KvRequest(1, 2, 1, KvOp.PUT, b("k"), b("v"), null));
        ByteBuffer.wrap(command).putInt(1, Integer.MAX_VALUE);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KvCommands.decode(command));
        assertEquals("malformed key/value command (12 bytes): java.io.IOException: field of " + Integer.MAX_VALUE
                + " bytes with 7 left", e.getMessage());
    }
}
