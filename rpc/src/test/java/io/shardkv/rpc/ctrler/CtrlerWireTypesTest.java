package io.shardkv.rpc.ctrler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.codec.CodecException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CtrlerWireTypesTest {

    private final Codec codec = Codec.builder().install(new CtrlerWireTypes()).build();

    @Test
    void requestsAndResponsesRoundTrip() {
        Map<Integer, List<String>> groups = new TreeMap<>(Map.of(7, List.of("a:1", "b:2"), 9, List.of("c:3")));
        for (CtrlerRequest r : List.of(CtrlerRequest.join(-3, 4, 2, groups), CtrlerRequest.leave(1, 5, 5, List.of(7, 9)),
                CtrlerRequest.move(1, 6, 6, 3, 9), CtrlerRequest.query(1, -1))) {
            assertEquals(r, codec.decode(codec.encode(r)));
        }
        Config c = new Config(4, new int[] {7, 9, 0}, new TreeMap<>(groups));
        assertEquals(CtrlerResponse.ok(c), codec.decode(codec.encode(CtrlerResponse.ok(c))));
        CtrlerResponse refused = CtrlerResponse.refused(CtrlerStatus.BAD_REQUEST, "group 7 has already joined");
        assertEquals(refused, codec.decode(codec.encode(refused)));
    }

    @Test
    void aConfigAssigningShardsToAbsentGroupsIsADecodeError() {
        byte[] bytes = codec.encode(new Config(1, new int[] {5}, new TreeMap<>(Map.of(5, List.of("x:1")))));
        bytes[3] = 6; // the shard's group id, after the type id, the number and the shard count
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(bytes));
        assertTrue(e.getMessage().contains("not in the configuration"), e.getMessage());
    }

    @Test
    void shardOfIsStableAndSpreadsKeys() {
        assertEquals(Shards.shardOf("key".getBytes(StandardCharsets.UTF_8), 64),
                Shards.shardOf("key".getBytes(StandardCharsets.UTF_8), 64));
        int[] counts = new int[10];
        for (int i = 0; i < 10_000; i++) {
            counts[Shards.shardOf(("k" + i).getBytes(StandardCharsets.UTF_8), 10)]++;
        }
        for (int n : counts) {
            assertTrue(n > 800 && n < 1200, "uneven spread " + Arrays.toString(counts));
        }
        assertThrows(IllegalArgumentException.class, () -> Shards.shardOf(new byte[0], 0));
    }
}
