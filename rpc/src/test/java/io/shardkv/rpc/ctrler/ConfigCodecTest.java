package io.shardkv.rpc.ctrler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.rpc.codec.DataFormat;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ConfigCodecTest {

    private final Config config = new Config(3, new int[] {4, 0}, new TreeMap<>(Map.of(4, List.of("a:1", "b:2"))));

    private byte[] bytes() {
        return DataFormat.write(out -> ConfigCodec.write(out, config));
    }

    private static IllegalStateException readFails(byte[] bytes) {
        return assertThrows(IllegalStateException.class, () -> DataFormat.read(bytes, "config", ConfigCodec::read));
    }

    @Test
    void aConfigIsReadBackAsWritten() {
        assertEquals(config, DataFormat.read(bytes(), "config", ConfigCodec::read));
    }

    @Test
    void aNegativeShardCountIsNamed() {
        byte[] bytes = bytes();
        ByteBuffer.wrap(bytes).putInt(8, -1); // after the number
        IllegalStateException e = readFails(bytes);
        assertTrue(e.getMessage().contains("count of shards is -1, expected 0 or more"), e.getMessage());
    }

    @Test
    void aNegativeGroupOrServerCountIsNamed() {
        byte[] groups = bytes();
        ByteBuffer.wrap(groups).putInt(8 + 4 + 2 * 4, -2); // after the number and the two shards
        assertTrue(readFails(groups).getMessage().contains("count of groups is -2, expected 0 or more"));
        byte[] servers = bytes();
        ByteBuffer.wrap(servers).putInt(8 + 4 + 2 * 4 + 4 + 4, -5); // after the group count and the group id
        assertTrue(readFails(servers).getMessage().contains("count of servers is -5, expected 0 or more"));
    }
}
