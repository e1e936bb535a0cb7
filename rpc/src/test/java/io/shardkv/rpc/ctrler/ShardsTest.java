package io.shardkv.rpc.ctrler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ShardsTest {

    private static int slot(String key) {
        return Shards.slotOf(key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void crc16IsXmodemAsRedisClusterSpecifiesIt() {
        byte[] vector = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x31C3, Shards.crc16(vector, 0, vector.length), "the cluster specification's test vector");
    }

    @Test
    void slotsAreWhatRedisClusterKeyslotAnswers() {
        assertEquals(12182, slot("foo"));
        assertEquals(5061, slot("bar"));
        assertEquals(866, slot("hello"));
        assertEquals(11058, slot("somekey"));
        assertEquals(2515, slot("foo{hash_tag}"));
        assertEquals(0, slot(""));
    }

    @Test
    void aHashTagIsTheBytesBetweenTheFirstOpenBraceAndTheFirstCloseAfterIt() {
        assertEquals(slot("user42"), slot("{user42}:cart"));
        assertEquals(slot("{user42}:cart"), slot("{user42}:orders"));
        assertEquals(slot("bar"), slot("foo{bar}{zap}"), "only the first tag counts");
        assertEquals(slot("{bar"), slot("foo{{bar}}zap"), "the tag starts after the first '{'");
        assertEquals(slot("bar"), slot("{bar}}"));
        assertNotEquals(slot("foo"), slot("foo{}{bar}"), "an empty tag hashes the whole key");
        assertEquals(Shards.crc16("foo{}{bar}".getBytes(StandardCharsets.UTF_8), 0, 10) & 16383, slot("foo{}{bar}"));
        assertEquals(Shards.crc16("foo{bar".getBytes(StandardCharsets.UTF_8), 0, 7) & 16383, slot("foo{bar"),
                "no closing brace: the whole key");
    }

    @Test
    void binaryKeysHashEveryByte() {
        byte[] key = {(byte) 0xff, 0, (byte) 0x80, '{', (byte) 0xfe, '}'};
        assertEquals(Shards.crc16(new byte[] {(byte) 0xfe}, 0, 1) & 16383, Shards.slotOf(key));
    }

    @Test
    void shardsAreContiguousSlotRangesCoveringEverySlotOnce() {
        for (int shards : new int[] {1, 3, 10, 64, 1000, 16384}) {
            int expectedFirst = 0;
            for (int shard = 0; shard < shards; shard++) {
                int first = Shards.firstSlot(shard, shards);
                int last = Shards.lastSlot(shard, shards);
                assertEquals(expectedFirst, first, shards + " shards: shard " + shard + " starts where the previous ended");
                assertTrue(last >= first, shards + " shards: shard " + shard + " is not empty");
                assertEquals(shard, Shards.shardOfSlot(first, shards));
                assertEquals(shard, Shards.shardOfSlot(last, shards));
                expectedFirst = last + 1;
            }
            assertEquals(Shards.SLOTS, expectedFirst, shards + " shards cover every slot");
        }
        assertEquals(256, Shards.lastSlot(0, 64) + 1, "with the default 64 shards, 256 slots each");
        assertEquals(12182 / 256, Shards.shardOf("foo".getBytes(StandardCharsets.UTF_8), 64));
    }

    @Test
    void shardCountsOutsideOneToOnePerSlotAreRefused() {
        assertNull(Shards.invalidCount(1));
        assertNull(Shards.invalidCount(Shards.SLOTS));
        for (int bad : new int[] {0, -1, Shards.SLOTS + 1}) {
            assertNotNull(Shards.invalidCount(bad));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shards.shardOfSlot(0, bad));
            assertTrue(e.getMessage().contains("from 1 to 16384"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Shards.shardOfSlot(Shards.SLOTS, 64));
        assertThrows(IllegalArgumentException.class, () -> Shards.firstSlot(64, 64));
    }
}
