package io.shardkv.rpc.migration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.codec.CodecException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MigrationWireTypesTest {

    private final Codec codec = Codec.builder().install(new MigrationWireTypes()).build();

    @Test
    void pullRequestsRoundTripWithAndWithoutACursor() {
        PullShardRequest first = new PullShardRequest(3, 7, null, 1 << 18);
        PullShardRequest back = (PullShardRequest) codec.decode(codec.encode(first));
        assertEquals(3, back.shard());
        assertEquals(7, back.handoff());
        assertNull(back.after());
        assertEquals(1 << 18, back.maxBytes());
        PullShardRequest next = new PullShardRequest(0, 1, new byte[] {9, 8}, 1);
        assertArrayEquals(new byte[] {9, 8}, ((PullShardRequest) codec.decode(codec.encode(next))).after());
    }

    @Test
    void chunksRoundTripInOrderWithTheirSessions() {
        PullShardResponse chunk = PullShardResponse.chunk(12, List.of(new byte[] {1}, new byte[] {2}),
                List.of(new byte[] {10}, new byte[0]), true, new byte[] {5, 5});
        PullShardResponse back = (PullShardResponse) codec.decode(codec.encode(chunk));
        assertEquals(MigrationStatus.OK, back.status());
        assertEquals(12, back.configNum());
        assertEquals(2, back.keys().size());
        assertArrayEquals(new byte[] {2}, back.keys().get(1));
        assertArrayEquals(new byte[] {10}, back.values().get(0));
        assertArrayEquals(new byte[0], back.values().get(1));
        assertTrue(back.last());
        assertArrayEquals(new byte[] {5, 5}, back.sessions());
    }

    @Test
    void refusalsCarryTheConfigurationReached() {
        PullShardResponse r = PullShardResponse.refused(MigrationStatus.NOT_READY, 4, null);
        PullShardResponse back = (PullShardResponse) codec.decode(codec.encode(r));
        assertEquals(MigrationStatus.NOT_READY, back.status());
        assertEquals(4, back.configNum());
        assertTrue(back.keys().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new PullShardResponse(MigrationStatus.GONE, 1,
                List.of(new byte[] {1}), List.of(new byte[] {1}), false, null, null));
    }

    @Test
    void deletesRoundTrip() {
        DeleteShardRequest d = (DeleteShardRequest) codec.decode(codec.encode(new DeleteShardRequest(9, 30)));
        assertEquals(9, d.shard());
        assertEquals(30, d.handoff());
        DeleteShardResponse r = (DeleteShardResponse) codec.decode(codec.encode(DeleteShardResponse.wrongLeader("h:1")));
        assertEquals(MigrationStatus.WRONG_LEADER, r.status());
        assertEquals("h:1", r.leaderHint());
    }

    @Test
    void shardStatusRoundTrips() {
        ShardStatusReport report = new ShardStatusReport(100, 7, false, new TreeMap<>(Map.of(1, "SERVING", 4, "PULLING")),
                new TreeMap<>(Map.of(1, 120, 4, 0)), 1 << 20);
        assertEquals(report, codec.decode(codec.encode(report)));
        assertEquals(new ShardStatusRequest(), codec.decode(codec.encode(new ShardStatusRequest())));
        assertThrows(IllegalArgumentException.class, () -> new ShardStatusReport(100, 1, true,
                new TreeMap<>(Map.of(1, "SERVING")), new TreeMap<>(Map.of(2, 1)), 0), "keys for other shards");
        assertThrows(IllegalArgumentException.class, () -> new ShardStatusReport(100, 1, true,
                new TreeMap<>(Map.of(-1, "SERVING")), new TreeMap<>(Map.of(-1, 1)), 0), "a negative shard");
    }

    @Test
    void invalidFieldsOffTheWireAreDecodeErrors() {
        byte[] bytes = codec.encode(new DeleteShardRequest(1, 1));
        bytes[2] = 0; // handoff (a one-byte varint after the type id and the shard) becomes 0
        assertThrows(CodecException.class, () -> codec.decode(bytes));

        byte[] status = codec.encode(DeleteShardResponse.of(MigrationStatus.OK));
        status[1] = (byte) MigrationStatus.GONE.ordinal();
        assertThrows(CodecException.class, () -> codec.decode(status));
    }

    @Test
    void aChunkClaimingMoreEntriesThanItsBytesIsADecodeError() {
        byte[] bytes = codec.encode(PullShardResponse.chunk(1, List.of(), List.of(), true, null));
        bytes[3] = 100; // the entry count follows the type id, the status and the config number
        assertThrows(CodecException.class, () -> codec.decode(bytes));
    }
}
