package io.shardkv.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardkv.group.engine.MemoryEngine;
import io.shardkv.raft.core.SnapshotBytes;
import io.shardkv.rpc.codec.DataFormat;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ConfigCodec;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A corrupt snapshot image is refused with what is wrong in it (good images are pinned in GroupDurableFormatsTest). */
class GroupSnapshotTest {

    private final Config config = Config.initial(1).next(new int[] {1}, new TreeMap<>(Map.of(1, List.of("g1:1"))));

    /** The image of group 1 serving the only shard, with one key. */
    private byte[] image() {
        ShardGroupStateMachine sm = new ShardGroupStateMachine(1, 1, MemoryEngine.INSTANCE, 3_600_000, 100);
        sm.apply(1, 0, GroupCodec.encode(new GroupCommand.NextConfig(config)));
        sm.apply(2, 0, GroupCodec.encode(new GroupCommand.ClientWrite(
                new KvRequest(7, 1, 1, KvOp.PUT, new byte[] {1}, new byte[] {2}, null))));
        return SnapshotBytes.write(sm.snapshot());
    }

    private static IOException restoreFails(byte[] image) {
        ShardGroupStateMachine sm = new ShardGroupStateMachine(1, 1, MemoryEngine.INSTANCE, 3_600_000, 100);
        return assertThrows(IOException.class, () -> sm.restore(new ByteArrayInputStream(image)));
    }

    @Test
    void aShardStateThatIsNoStatesOrdinalIsNamed() {
        byte[] image = image();
        int configBytes = DataFormat.write(out -> ConfigCodec.write(out, config)).length;
        int state = 4 + 4 + 4 + configBytes + 1 + 1; // version, gid, shards, config, has holder, holds shard
        assertEquals(ShardState.SERVING.ordinal(), image[state]);
        image[state] = 3;
        assertEquals("shard 0's state 3 is not one of [SERVING, PULLING, OUTGOING] (0 to 2)",
                restoreFails(image).getMessage());
    }

    @Test
    void aNegativeCountOfDeletionsIsNamed() {
        byte[] image = image();
        ByteBuffer.wrap(image).putInt(image.length - 4, -1); // no deletions owed: the count ends the image
        assertEquals("count of deletions owed is -1, expected 0 or more", restoreFails(image).getMessage());
    }

    @Test
    void anImageOfAnotherVersionIsNamed() {
        byte[] image = image();
        ByteBuffer.wrap(image).putInt(0, 1);
        assertEquals("unsupported shard group snapshot version 1", restoreFails(image).getMessage());
    }
}
