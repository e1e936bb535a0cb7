package io.shardkv.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shardkv.group.engine.MemoryEngine;
import io.shardkv.kv.Key;
import io.shardkv.raft.core.SnapshotBytes;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.Shards;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The bytes a shard group leaves on disk — its log commands, their replies and its snapshot
 * images (version 3) — pinned as this format writes them, so that data directories written before
 * a change to the code still load after it. A failure here means the format changed: that needs a
 * new version, not a new pinned value.
 */
class GroupDurableFormatsTest {

    private static final int SHARDS = 4;

    private static final String NEXT_CONFIG = """
            0100000000000000020000000400000001000000020000000200000001000000020000000100000001000467313a3100
            00000200000002000467323a31000467323a32""";
    private static final String CLIENT_PUT = """
            020000000000000007000000000000000100000000000000010000000f01000000026b33000000036f6e6500""";
    private static final String CLIENT_CAS = """
            020000000000000007000000000000000200000000000000010000001704000000026b300000000374776f0100000004
            6e6f6e65""";
    private static final String INSTALL_WHOLE_SHARD = """
            0300000000000000020000000100000000000000020000000001000000026b33000000036f6e65010000002e00000001
            000000000000000700000000000000000000000000000001000000010000000000000001000000020000""";
    private static final String INSTALL_FIRST_CHUNK = """
            0300000000000000020000000200000000000000020000000001000000026b340000000574687265650000000000""";
    private static final String INSTALL_SECOND_CHUNK = """
            03000000000000000200000002000000000000000201000000026b3400000001000000026b3800000004666f75720000
            000000""";
    private static final String GC_DONE = "04000000010000000000000002";
    private static final String DELETE_SHARD = "05000000010000000000000002";

    /** Group 1 after handing shards 1 and 2 to group 2: both OUTGOING, frozen at configuration 2. */
    private static final String IMAGE_OF_GROUP_1 = """
            000000030000000100000004000000000000000200000004000000010000000200000002000000010000000200000001
            00000001000467313a310000000200000002000467323a31000467323a32000100000000000000000000000000000000
            00000000002e000000010000000000000008000000000000000000000000000000010000000100000000000000030000
            0002000000000001000000026b320000000466697665010000000100000001000467313a310000000000000002010200
            000000000000020000000200000002000467323a31000467323a32000000002e00000001000000000000000700000000
            00000000000000000000000100000001000000000000000100000002000000000001000000026b33000000036f6e6501
            0000000100000001000467313a310000000000000002010200000000000000020000000200000002000467323a310004
            67323a32000000006b000000020000000000000007000000000000000000000000000000010000000100000000000000
            020000000202000000000000000008000000000000000000000000000000010000000200000000000000010000000700
            010000000135000000000000000200000002000000000002000000026b34000000057468726565000000026b38000000
            04666f7572000100000000000000000000000000000000000000000004000000000000000000000000""";
    /** Group 2 with shard 1 installed (its deletion owed to group 1) and shard 2 half pulled. */
    private static final String IMAGE_OF_GROUP_2 = """
            000000030000000200000004000000000000000200000004000000010000000200000002000000010000000200000001
            00000001000467313a310000000200000002000467323a31000467323a320000010000000100000001000467313a3100
            00000000000002010000000000000000020000000000000000000000002e000000010000000000000007000000000000
            0000000000000000000100000001000000000000000100000002000000000001000000026b33000000036f6e65010000
            000100000001000467313a310000000000000002010100000000000000020000000100000001000467313a3101000000
            026b34000000040000000000000001000000026b34000000057468726565000000000001000000010000000000000002
            0000000100000001000467313a31""";

    private final ShardGroupStateMachine one = new ShardGroupStateMachine(1, SHARDS, MemoryEngine.INSTANCE, 3_600_000, 100);
    private final ShardGroupStateMachine two = new ShardGroupStateMachine(2, SHARDS, MemoryEngine.INSTANCE, 3_600_000, 100);
    private final Config c1 = Config.initial(SHARDS).next(new int[] {1, 1, 1, 1}, groups(1));
    private final Config c2 = c1.next(new int[] {1, 2, 2, 1}, groups(1, 2));
    private final KvRequest put = new KvRequest(7, 1, 1, KvOp.PUT, bytes("k3"), bytes("one"), null);
    private final KvRequest cas = new KvRequest(7, 2, 1, KvOp.CAS, bytes("k0"), bytes("two"), bytes("none"));
    private long index;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] unhex(String pinned) {
        return HexFormat.of().parseHex(pinned.replaceAll("\\s", ""));
    }

    /** Groups {@code gids}; group g has g servers, named g:1 to g:g with the group's number for g. */
    private static Map<Integer, List<String>> groups(int... gids) {
        Map<Integer, List<String>> groups = new TreeMap<>();
        for (int g : gids) {
            List<String> servers = new ArrayList<>();
            for (int s = 1; s <= g; s++) {
                servers.add("g" + g + ":" + s);
            }
            groups.put(g, servers);
        }
        return groups;
    }

    private byte[] apply(ShardGroupStateMachine sm, GroupCommand command) {
        return sm.apply(++index, 0, GroupCodec.encode(command));
    }

    private ShardGroupStateMachine.Reply applyOwn(ShardGroupStateMachine sm, GroupCommand command) {
        return GroupCodec.decodeReply(apply(sm, command));
    }

    /**
     * Drives both groups to the pinned images' states; returns the commands of the pinned bytes, by
     * name. Of 4 shards, k2 is in shard 0, k3 in shard 1, and k0, k4, k8 in shard 2.
     */
    private Map<String, GroupCommand> reachPinnedStates() {
        assertEquals(List.of(0, 1, 2, 2, 2), Stream.of("k2", "k3", "k0", "k4", "k8")
                .map(k -> Shards.shardOf(bytes(k), SHARDS)).toList());
        Map<String, GroupCommand> commands = new TreeMap<>();
        commands.put("next config", new GroupCommand.NextConfig(c2));
        commands.put("client put", new GroupCommand.ClientWrite(put));
        commands.put("client cas", new GroupCommand.ClientWrite(cas));
        apply(one, new GroupCommand.NextConfig(c1));
        apply(two, new GroupCommand.NextConfig(c1));
        apply(one, commands.get("client put"));
        apply(one, commands.get("client cas"));
        apply(one, new GroupCommand.ClientWrite(new KvRequest(8, 1, 1, KvOp.APPEND, bytes("k4"), bytes("three"),
                null)));
        apply(one, new GroupCommand.ClientWrite(new KvRequest(8, 2, 1, KvOp.PUT, bytes("k8"), bytes("four"),
                null)));
        apply(one, new GroupCommand.ClientWrite(new KvRequest(8, 3, 1, KvOp.PUT, bytes("k2"), bytes("five"),
                null)));
        apply(one, commands.get("next config"));
        apply(two, commands.get("next config"));
        PullAnswer.Chunk whole = (PullAnswer.Chunk) one.pull(1, 2, null, 1 << 20);
        commands.put("install whole shard", new GroupCommand.InstallChunk(2, 1, 2, null, whole));
        assertEquals(ShardGroupStateMachine.Reply.APPLIED, applyOwn(two, commands.get("install whole shard")));
        PullAnswer.Chunk first = (PullAnswer.Chunk) one.pull(2, 2, null, 1);
        commands.put("install first chunk", new GroupCommand.InstallChunk(2, 2, 2, null, first));
        assertEquals(ShardGroupStateMachine.Reply.APPLIED, applyOwn(two, commands.get("install first chunk")));
        Key cursor = two.pullTasks().get(0).cursor();
        PullAnswer.Chunk second = (PullAnswer.Chunk) one.pull(2, 2, cursor, 1);
        commands.put("install second chunk", new GroupCommand.InstallChunk(2, 2, 2, cursor, second));
        commands.put("gc done", new GroupCommand.GcDone(1, 2));
        commands.put("delete shard", new GroupCommand.DeleteShard(1, 2));
        return commands;
    }

    @Test
    void logCommandsKeepTheirBytes() {
        Map<String, GroupCommand> commands = reachPinnedStates();
        Map<String, String> pinned = Map.of("next config", NEXT_CONFIG, "client put", CLIENT_PUT,
                "client cas", CLIENT_CAS, "install whole shard", INSTALL_WHOLE_SHARD,
                "install first chunk", INSTALL_FIRST_CHUNK, "install second chunk", INSTALL_SECOND_CHUNK,
                "gc done", GC_DONE, "delete shard", DELETE_SHARD);
        assertEquals(pinned.keySet(), commands.keySet());
        pinned.forEach((name, hex) -> {
            assertArrayEquals(unhex(hex), GroupCodec.encode(commands.get(name)), name + " encodes differently");
            assertArrayEquals(unhex(hex), GroupCodec.encode(GroupCodec.decode(unhex(hex))),
                    name + " decodes differently");
        });
    }

    @Test
    void repliesKeepTheirBytes() {
        reachPinnedStates();
        assertArrayEquals(new byte[] {1}, apply(one, new GroupCommand.NextConfig(c2)), "IGNORED");
        assertArrayEquals(new byte[] {2}, apply(one, new GroupCommand.NextConfig(c2.next(c2.shards(), c2.groups()))),
                "NOT_READY: group 1 still holds shards group 2 has to pull");
        assertArrayEquals(new byte[] {0}, apply(one, new GroupCommand.DeleteShard(1, 2)), "APPLIED");
    }

    @Test
    void snapshotImagesKeepTheirBytes() {
        reachPinnedStates();
        assertArrayEquals(unhex(IMAGE_OF_GROUP_1), SnapshotBytes.write(one.snapshot()));
        assertArrayEquals(unhex(IMAGE_OF_GROUP_2), SnapshotBytes.write(two.snapshot()));
    }

    @Test
    void pinnedImagesRestoreAndTheMigrationGoesOnFromThem() throws IOException {
        Map<String, GroupCommand> commands = reachPinnedStates();
        ShardGroupStateMachine restoredOne = new ShardGroupStateMachine(1, SHARDS, MemoryEngine.INSTANCE, 3_600_000, 100);
        ShardGroupStateMachine restoredTwo = new ShardGroupStateMachine(2, SHARDS, MemoryEngine.INSTANCE, 3_600_000, 100);
        restoredOne.restore(new ByteArrayInputStream(unhex(IMAGE_OF_GROUP_1)));
        restoredTwo.restore(new ByteArrayInputStream(unhex(IMAGE_OF_GROUP_2)));
        assertArrayEquals(unhex(IMAGE_OF_GROUP_1), SnapshotBytes.write(restoredOne.snapshot()));
        assertArrayEquals(unhex(IMAGE_OF_GROUP_2), SnapshotBytes.write(restoredTwo.snapshot()));
        assertEquals(c2, restoredTwo.config());
        assertEquals(two.pullTasks(), restoredTwo.pullTasks());
        assertEquals(two.gcTasks(), restoredTwo.gcTasks());
        for (int s = 0; s < SHARDS; s++) {
            assertEquals(one.state(s), restoredOne.state(s), "group 1, shard " + s);
            assertEquals(two.state(s), restoredTwo.state(s), "group 2, shard " + s);
            assertEquals(one.keys(s), restoredOne.keys(s), "group 1, shard " + s);
            assertEquals(two.keys(s), restoredTwo.keys(s), "group 2, shard " + s);
        }
        assertEquals(ShardGroupStateMachine.Reply.APPLIED, applyOwn(restoredTwo, commands.get("install second chunk")));
        Key cursor = restoredTwo.pullTasks().get(0).cursor();
        PullAnswer.Chunk sessions = (PullAnswer.Chunk) restoredOne.pull(2, 2, cursor, 1 << 20);
        assertEquals(ShardGroupStateMachine.Reply.APPLIED,
                applyOwn(restoredTwo, new GroupCommand.InstallChunk(2, 2, 2, cursor, sessions)));
        assertEquals(ShardState.SERVING, restoredTwo.state(2));
        assertEquals(2, restoredTwo.keys(2));
        assertEquals(ShardGroupStateMachine.Reply.APPLIED, applyOwn(restoredOne, commands.get("delete shard")));
        assertNull(restoredOne.state(1), "the deletion applies to the restored copy");
    }
}
