package io.shardkv.rpc.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.codec.CodecException;
import org.junit.jupiter.api.Test;

class KvWireTypesTest {

    private final Codec codec = Codec.builder().install(new KvWireTypes()).build();

    @Test
    void requestsRoundTripIncludingAbsentExpectation() {
        KvRequest cas = new KvRequest(-5, 9, 7, KvOp.CAS, new byte[] {1}, new byte[] {2}, null);
        KvRequest back = (KvRequest) codec.decode(codec.encode(cas));
        assertEquals(-5, back.clientId());
        assertEquals(9, back.seq());
        assertEquals(7, back.lowestUnacked());
        assertEquals(KvOp.CAS, back.op());
        assertArrayEquals(new byte[] {1}, back.key());
        assertArrayEquals(new byte[] {2}, back.value());
        assertNull(back.expected());

        KvRequest expecting = new KvRequest(1, 2, 2, KvOp.CAS, new byte[0], new byte[0], new byte[] {3});
        assertArrayEquals(new byte[] {3}, ((KvRequest) codec.decode(codec.encode(expecting))).expected());
    }

    @Test
    void responsesRoundTrip() {
        KvResponse r = new KvResponse(KvStatus.WRONG_LEADER, null, "10.0.0.2:7001", "not leader");
        KvResponse back = (KvResponse) codec.decode(codec.encode(r));
        assertEquals(r.status(), back.status());
        assertEquals(r.leaderHint(), back.leaderHint());
        assertEquals(r.message(), back.message());
        assertArrayEquals(new byte[] {4}, ((KvResponse) codec.decode(codec.encode(KvResponse.value(new byte[] {4})))).value());
    }

    @Test
    void unknownStatusOrdinalIsADecodeError() {
        byte[] bytes = codec.encode(KvResponse.of(KvStatus.OK));
        bytes[1] = 100; // the status ordinal follows the one-byte type id
        assertThrows(CodecException.class, () -> codec.decode(bytes));
    }

    @Test
    void anExpectedValueOnANonCasRequestIsADecodeError() {
        byte[] bytes = codec.encode(new KvRequest(1, 1, 1, KvOp.CAS, new byte[] {1}, new byte[0], new byte[] {1}));
        int opAt = 1 + 8 + 1 + 1; // type id, client id, seq, lowest unacked
        bytes[opAt] = (byte) KvOp.PUT.ordinal();
        assertThrows(CodecException.class, () -> codec.decode(bytes));
    }
}
