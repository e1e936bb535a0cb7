package io.shardkv.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.group.engine.MemoryEngine;
import io.shardkv.kv.Key;
import io.shardkv.kv.KvCommands;
import io.shardkv.raft.core.SnapshotBytes;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.Shards;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Two shard groups' state machines driven by hand through configurations and migrations: what
 * each shard's state is at every step, that data and exactly-once tables move, that duplicates
 * are no-ops and that deleted shards are gone.
 */
class ShardGroupStateMachineTest {

    private static final int SHARDS = 4;
    private final ShardGroupStateMachine a = new ShardGroupStateMachine(1, SHARDS, MemoryEngine.INSTANCE, 3_600_000, 100);
    private final ShardGroupStateMachine b = new ShardGroupStateMachine(2, SHARDS, MemoryEngine.INSTANCE, 3_600_000, 100);
    private long index;
    private Config latest = Config.initial(SHARDS);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A key in {@code shard}. */
    private static String keyIn(int shard) {
        return keyIn(shard, 0);
    }

    /** The {@code n}-th key (from 0) that falls in {@code shard}. */
    private static String keyIn(int shard, int n) {
        for (int i = 0, found = 0; ; i++) {
            if (Shards.shardOf(bytes("k" + i), SHARDS) == shard && found++ == n) {
                return "k" + i;
            }
        }
    }

    private Config config(int... owners) {
        Map<Integer, List<String>> groups = new TreeMap<>();
        for (int g : owners) {
            if (g != Config.NO_GROUP) {
                groups.put(g, List.of("g" + g + ":1"));
            }
        }
        latest = latest.next(owners, groups);
        return latest;
    }

    /** Applies one of the group's own commands to {@code sm}. */
    private ShardGroupStateMachine.Reply apply(ShardGroupStateMachine sm, GroupCommand c) {
        return GroupCodec.decodeReply(sm.apply(++index, 0, GroupCodec.encode(c)));
    }

    private ShardGroupStateMachine.Reply take(ShardGroupStateMachine sm, Config c) {
        return apply(sm, new GroupCommand.NextConfig(c));
    }

    private KvResponse put(ShardGroupStateMachine sm, long client, long seq, String key, String value) {
        KvRequest r = new KvRequest(client, seq, seq, KvOp.APPEND, bytes(key), bytes(value), null);
        return KvCommands.decodeReply(sm.apply(++index, 0, GroupCodec.encode(new GroupCommand.ClientWrite(r))));
    }

    private KvResponse get(ShardGroupStateMachine sm, String key) {
        return KvCommands.decodeReply(sm.query(KvCommands.encodeQuery(bytes(key))));
    }

    /** Pulls every PULLING shard of {@code to} from {@code from} in chunks of about {@code chunkBytes}. */
    private int pullAll(ShardGroupStateMachine to, ShardGroupStateMachine from, int chunkBytes) {
        int chunks = 0;
        for (ShardGroupStateMachine.PullTask t : to.pullTasks()) {
            ShardGroupStateMachine.PullTask task = t;
            while (true) {
                PullAnswer.Chunk chunk = assertInstanceOf(PullAnswer.Chunk.class,
                        from.pull(task.shard(), task.handoff(), task.cursor(), chunkBytes));
                assertEquals(ShardGroupStateMachine.Reply.APPLIED, apply(to, new GroupCommand.InstallChunk(
                        to.config().num(), task.shard(), task.handoff(), task.cursor(), chunk)));
                chunks++;
                if (chunk.last()) {
                    break;
                }
                task = to.pullTasks().stream().filter(p -> p.shard() == t.shard()).findFirst().orElseThrow();
            }
        }
        return chunks;
    }

    /** Tells {@code from} to delete what {@code to} installed, then records the confirmation in {@code to}. */
    private void collectGarbage(ShardGroupStateMachine to, ShardGroupStateMachine from) {
        for (ShardGroupStateMachine.GcTask t : to.gcTasks()) {
            apply(from, new GroupCommand.DeleteShard(t.shard(), t.handoff()));
            apply(to, new GroupCommand.GcDone(t.shard(), t.handoff()));
        }
    }

    @Test
    void aListOfKeysMustStayInOneShard() {
        take(a, config(1, 1, 1, 1));
        String k0 = keyIn(0);
        String k1 = keyIn(1);
        byte[] list = KvCommands.encodeList(List.of(bytes(k0), bytes("v"), bytes(k1), bytes("w")));
        KvRequest across = new KvRequest(7, 1, 1, KvOp.MULTI_PUT, bytes(k0), list, null);
        KvResponse refused = KvCommands.decodeReply(write(a, across));
        assertEquals(KvStatus.BAD_REQUEST, refused.status());
        assertTrue(refused.message().startsWith("the keys are in several shards (0 and 1)"), refused.message());
        assertEquals(KvStatus.NO_KEY, get(a, k0).status(), "nothing was written");
        byte[] odd = KvCommands.encodeList(List.of(bytes(k0), bytes("v"), bytes(k0)));
        assertTrue(a.invalidList(new KvRequest(7, 2, 1, KvOp.MULTI_PUT, bytes(k0), odd, null)).contains("whole key, value pairs"));
        assertTrue(a.invalidList(new KvRequest(7, 2, 1, KvOp.MULTI_DELETE, bytes(k0), new byte[] {1, 2}, null))
                .contains("malformed list"));
        assertTrue(a.invalidList(new KvRequest(7, 2, 1, KvOp.MULTI_PUT_IF_ABSENT, bytes(k0), odd, null))
                .contains("whole key, value pairs"));
        KvRequest acrossIfAbsent = new KvRequest(7, 3, 1, KvOp.MULTI_PUT_IF_ABSENT, bytes(k0), list, null);
        assertEquals(KvStatus.BAD_REQUEST, KvCommands.decodeReply(write(a, acrossIfAbsent)).status());
        assertEquals(KvStatus.NO_KEY, get(a, k1).status(), "nothing was written");
        assertNull(a.invalidList(new KvRequest(7, 2, 1, KvOp.PUT, bytes(k0), bytes("v"), null)));
    }

    private byte[] write(ShardGroupStateMachine sm, KvRequest r) {
        return sm.apply(++index, 0, GroupCodec.encode(new GroupCommand.ClientWrite(r)));
    }

    @Test
    void freshShardsAreServedAtOnceAndOthersAreWrongGroup() {
        Config c1 = config(1, 1, 2, 2);
        take(a, c1);
        take(b, c1);
        assertEquals(ShardState.SERVING, a.state(0));
        assertNull(a.state(2));
        assertEquals(KvStatus.OK, put(a, 7, 1, keyIn(0), "x").status());
        assertEquals(KvStatus.WRONG_GROUP, put(a, 7, 2, keyIn(2), "x").status());
        assertEquals(KvStatus.WRONG_GROUP, get(a, keyIn(3)).status());
        assertEquals("x", new String(get(a, keyIn(0)).value(), StandardCharsets.UTF_8));
        assertTrue(a.settled() && b.settled());
    }

    @Test
    void shardMovesInChunksWithItsSessionsAndTheOldCopyIsDeleted() {
        Config c1 = config(1, 1, 1, 1);
        take(a, c1);
        take(b, c1);
        for (int i = 0; i < 50; i++) {
            put(a, 7, i + 1, keyIn(2, i + 1), "value-" + i);
        }
        String moving = keyIn(2);
        KvResponse first = put(a, 9, 1, moving, "once");
        Config c2 = config(1, 1, 2, 2);
        take(a, c2);
        take(b, c2);
        assertEquals(ShardState.OUTGOING, a.state(2));
        assertEquals(ShardState.PULLING, b.state(2));
        assertEquals(KvStatus.WRONG_GROUP, get(b, moving).status(), "a shard is not served before it arrives");
        assertEquals(KvStatus.WRONG_GROUP, get(a, moving).status(), "nor by its old owner after handing it off");
        assertFalse(a.settled());
        assertFalse(b.settled());

        int chunks = pullAll(b, a, 64);
        assertTrue(chunks > 5, "small chunks should take several rounds, took " + chunks);
        assertEquals(ShardState.SERVING, b.state(2));
        assertEquals(List.of(2, 3), b.gcTasks().stream().map(ShardGroupStateMachine.GcTask::shard).toList(),
                "group 2 owes group 1 the deletion of its copies of shards 2 and 3");
        assertTrue(b.settled(), "the debt must not hold the new owner back");
        assertFalse(a.settled(), "the old owner's frozen copy waits for the deletion");
        assertEquals("once", new String(get(b, moving).value(), StandardCharsets.UTF_8));
        // The client retries its write at the new owner: answered from the migrated table.
        assertEquals(first.status(), put(b, 9, 1, moving, "once").status());
        assertEquals("once", new String(get(b, moving).value(), StandardCharsets.UTF_8), "applied twice");

        collectGarbage(b, a);
        assertNull(a.state(2), "the old owner must delete its copy");
        assertEquals(ShardState.SERVING, b.state(2));
        assertTrue(a.settled() && b.settled());
        assertEquals(51, b.keys(2));
    }

    @Test
    void aBackupOfAConfigurationWaitsUntilNothingOfItsHandOffIsLeft() {
        Config c1 = config(1, 1, 1, 1);
        take(a, c1);
        take(b, c1);
        put(a, 7, 1, keyIn(2), "moving");
        assertNull(a.backupRefusal(1));
        Config c2 = config(1, 1, 2, 2);
        assertTrue(b.backupRefusal(2).contains("is at configuration 1, the backup is of 2"), b.backupRefusal(2));
        take(a, c2);
        take(b, c2);
        assertTrue(b.backupRefusal(2).contains("still moving shards for configuration 2 (2 to pull, 0 deletions owed)"),
                b.backupRefusal(2));
        assertTrue(a.backupRefusal(2).contains("still moving shards"), "the old owner's copies wait to be pulled");
        pullAll(b, a, 1 << 20);
        assertTrue(b.backupRefusal(2).contains("(0 to pull, 2 deletions owed)"), b.backupRefusal(2));
        collectGarbage(b, a);
        assertNull(b.backupRefusal(2));
        assertNull(a.backupRefusal(2));
        assertEquals(2, b.backupPoint());
    }

    @Test
    void duplicatesAndStaleCommandsAreNoOps() {
        Config c1 = config(1, 1, 1, 1);
        take(a, c1);
        take(b, c1);
        put(a, 7, 1, keyIn(1), "v");
        Config c2 = config(2, 2, 2, 2);
        assertEquals(ShardGroupStateMachine.Reply.IGNORED, take(b, config(2, 2, 2, 2)), "a configuration out of order");
        latest = c2;
        take(a, c2);
        take(b, c2);
        assertEquals(ShardGroupStateMachine.Reply.IGNORED, take(b, c2), "the same configuration twice");
        ShardGroupStateMachine.PullTask task = b.pullTasks().stream().filter(t -> t.shard() == 1).findFirst().orElseThrow();
        PullAnswer.Chunk chunk = (PullAnswer.Chunk) a.pull(1, task.handoff(), null, 1 << 20);
        GroupCommand install = new GroupCommand.InstallChunk(2, 1, task.handoff(), null, chunk);
        assertEquals(ShardGroupStateMachine.Reply.APPLIED, apply(b, install));
        assertEquals(ShardGroupStateMachine.Reply.IGNORED, apply(b, install));
        assertEquals(1, b.keys(1));
        assertInstanceOf(PullAnswer.NotReady.class, a.pull(1, 99, null, 10));
    }

    @Test
    void dataSurvivesEveryGroupLeavingAndIsPulledByTheNextOwner() {
        Config c1 = config(1, 1, 1, 1);
        take(a, c1);
        take(b, c1);
        put(a, 7, 1, keyIn(3), "kept");
        Config c2 = config(0, 0, 0, 0);
        take(a, c2);
        take(b, c2);
        assertEquals(ShardState.OUTGOING, a.state(3));
        assertTrue(a.settled(), "a shard nobody owns must not block its holder");
        Config c3 = config(2, 2, 2, 2);
        take(a, c3);
        take(b, c3);
        assertEquals(ShardState.PULLING, b.state(3), "the next owner pulls from the last holder");
        pullAll(b, a, 1 << 20);
        collectGarbage(b, a);
        assertEquals("kept", new String(get(b, keyIn(3)).value(), StandardCharsets.UTF_8));
        assertNull(a.state(3));
    }

    @Test
    void aShardFrozenWhileUnownedKeepsItsHolderUnsettledUntilTheNextOwnerHasIt() {
        take(a, config(1, 1, 1, 1));
        take(b, latest);
        put(a, 7, 1, keyIn(2), "only copy");
        take(a, config(0, 0, 0, 0));
        take(b, latest);
        assertTrue(a.settled(), "nobody owns the shards: nothing to wait for");
        take(a, config(2, 2, 2, 2));
        take(b, latest);
        assertEquals(ShardState.OUTGOING, a.state(2));
        assertFalse(a.settled(), "group 2 will pull from here: the copy must stay until it has it");
        assertEquals(ShardGroupStateMachine.Reply.NOT_READY, take(a, config(0, 0, 0, 0)),
                "a later configuration could hand the shard back before group 2 pulled it");
        latest = b.config();
        pullAll(b, a, 1 << 20);
        collectGarbage(b, a);
        assertTrue(a.settled());
        assertNull(a.state(2));
        assertEquals("only copy", new String(get(b, keyIn(2)).value(), StandardCharsets.UTF_8));
    }

    @Test
    void theNewOwnerWalksOnAndHandsTheShardOnWhileItStillOwesTheDeletion() {
        take(a, config(1, 1, 1, 1));
        take(b, latest);
        put(a, 7, 1, keyIn(1), "v");
        take(a, config(2, 2, 2, 2));
        take(b, latest);
        pullAll(b, a, 1 << 20);
        assertEquals(ShardGroupStateMachine.Reply.APPLIED, take(b, config(2, 2, 2, 2)),
                "group 1 may be down for good: group 2 must not wait for its confirmation");
        take(a, latest);
        assertEquals(ShardState.OUTGOING, a.state(1), "group 1 has not been told to delete yet");
        collectGarbage(b, a);
        assertNull(a.state(1));
        assertEquals(List.of(), b.gcTasks());
        assertEquals(ShardGroupStateMachine.Reply.IGNORED, apply(b, new GroupCommand.GcDone(1, 2)),
                "a repeated confirmation is a no-op");
    }

    @Test
    void aChunkThatCannotContinueThePullIsANoOp() {
        take(a, config(1, 1, 1, 1));
        take(b, latest);
        put(a, 7, 1, keyIn(0, 0), "a");
        put(a, 7, 2, keyIn(0, 1), "b");
        take(a, config(2, 2, 2, 2));
        take(b, latest);
        ShardGroupStateMachine.PullTask task = b.pullTasks().get(0);
        PullAnswer.Chunk good = (PullAnswer.Chunk) a.pull(0, task.handoff(), null, 1 << 20);
        List<Map.Entry<Key, byte[]>> reversed = new ArrayList<>(good.entries());
        Collections.reverse(reversed);
        Map.Entry<Key, byte[]> foreign = Map.entry(new Key(bytes(keyIn(1))), bytes("x"));
        PullAnswer.Chunk[] bad = {
            new PullAnswer.Chunk(List.of(), false, new byte[0]),
            new PullAnswer.Chunk(reversed, true, good.sessions()),
            new PullAnswer.Chunk(List.of(foreign), true, good.sessions()),
            new PullAnswer.Chunk(good.entries(), true, new byte[] {1, 2, 3}),
        };
        for (PullAnswer.Chunk chunk : bad) {
            assertNotNull(b.invalidChunk(0, null, chunk));
            assertEquals(ShardGroupStateMachine.Reply.IGNORED,
                    apply(b, new GroupCommand.InstallChunk(b.config().num(), 0, task.handoff(), null, chunk)));
            assertEquals(ShardState.PULLING, b.state(0));
            assertEquals(0, b.keys(0));
        }
        assertNull(b.invalidChunk(0, null, good));
        pullAll(b, a, 1 << 20);
        assertEquals(ShardState.SERVING, b.state(0));
    }

    @Test
    void aWriteTheShardsSessionTableRefusesSaysWhy() {
        ShardGroupStateMachine sm = new ShardGroupStateMachine(1, SHARDS, MemoryEngine.INSTANCE, 3_600_000, 2);
        take(sm, config(1, 1, 1, 1));
        String key = keyIn(0);
        assertEquals(KvStatus.OK, append(sm, 7, 1, 1, key).status());
        assertEquals(KvStatus.OK, append(sm, 7, 2, 1, key).status());
        KvResponse tooMany = append(sm, 7, 3, 1, key);
        assertEquals(KvStatus.BAD_REQUEST, tooMany.status());
        assertEquals("client 7 has 2 unacknowledged writes to shard 0, the most it may; wait for replies",
                tooMany.message());
        KvResponse stale = append(sm, 7, 1, 3, key);
        assertEquals(KvStatus.BAD_REQUEST, stale.status());
        assertEquals("client 7's write 1 was acknowledged before: its reply is no longer kept", stale.message());
    }

    /** Client {@code client}'s append {@code seq}, having acknowledged every write below {@code lowestUnacked}. */
    private KvResponse append(ShardGroupStateMachine sm, long client, long seq, long lowestUnacked, String key) {
        KvRequest r = new KvRequest(client, seq, lowestUnacked, KvOp.APPEND, bytes(key), bytes("x"), null);
        return KvCommands.decodeReply(sm.apply(++index, 0, GroupCodec.encode(new GroupCommand.ClientWrite(r))));
    }

    @Test
    void aGroupThatGetsBackWhatItStillHoldsServesItWithoutPulling() {
        take(a, config(1, 1, 1, 1));
        put(a, 7, 1, keyIn(0), "mine");
        take(a, config(0, 0, 0, 0));
        take(a, config(1, 1, 1, 1));
        assertEquals(ShardState.SERVING, a.state(0));
        assertEquals("mine", new String(get(a, keyIn(0)).value(), StandardCharsets.UTF_8));
    }

    @Test
    void snapshotsCarryMigrationsInProgressAndFreedShardsLeaveThem() throws IOException {
        Config c1 = config(1, 1, 1, 1);
        take(a, c1);
        take(b, c1);
        for (int i = 0; i < 40; i++) {
            put(a, 7, i + 1, keyIn(1, i), "x".repeat(100));
        }
        Config c2 = config(1, 2, 1, 1);
        take(a, c2);
        take(b, c2);
        ShardGroupStateMachine.PullTask task = b.pullTasks().get(0);
        PullAnswer.Chunk chunk = (PullAnswer.Chunk) a.pull(1, task.handoff(), null, 1000);
        apply(b, new GroupCommand.InstallChunk(2, 1, task.handoff(), null, chunk));

        ShardGroupStateMachine restored = new ShardGroupStateMachine(2, SHARDS, MemoryEngine.INSTANCE, 3_600_000, 100);
        restored.restore(image(b));
        assertEquals(ShardState.PULLING, restored.state(1));
        assertEquals(b.pullTasks(), restored.pullTasks(), "the pull resumes where it stopped");
        pullAll(restored, a, 1000);
        assertEquals(40, restored.keys(1));

        int before = SnapshotBytes.write(a.snapshot()).length;
        collectGarbage(restored, a);
        assertTrue(SnapshotBytes.write(a.snapshot()).length < before - 40 * 100, "a deleted shard must leave the snapshot");
    }

    /**
     * An image is captured on the node's thread and written later on another: it must be the state
     * at capture, whatever was applied since (copy-on-write of each shard's data).
     */
    @Test
    void anImageIsTheStateAtItsCaptureHoweverMuchIsAppliedBeforeItIsWritten() throws IOException {
        Config c1 = config(1, 1, 1, 1);
        take(a, c1);
        take(b, c1);
        for (int i = 0; i < 30; i++) {
            put(a, 7, i + 1, keyIn(i % SHARDS, i), "v" + i);
        }
        byte[] atCapture = SnapshotBytes.write(a.snapshot());
        SnapshotImage image = a.snapshot();
        for (int i = 0; i < 30; i++) {
            put(a, 7, 31 + i, keyIn(i % SHARDS, i), "-changed");
            put(a, 8, i + 1, keyIn(i % SHARDS, 100 + i), "new");
        }
        Config c2 = config(1, 2, 1, 1);
        take(a, c2);
        take(b, c2);
        pullAll(b, a, 200);
        collectGarbage(b, a);
        assertNull(a.state(1), "shard 1 left after the capture");

        byte[] written = SnapshotBytes.write(image);
        assertArrayEquals(atCapture, written);
        ShardGroupStateMachine restored = new ShardGroupStateMachine(1, SHARDS, MemoryEngine.INSTANCE, 3_600_000, 100);
        restored.restore(new ByteArrayInputStream(written));
        assertEquals(ShardState.SERVING, restored.state(1));
        assertEquals("v5", new String(get(restored, keyIn(1, 5)).value(), StandardCharsets.UTF_8));
        assertNull(get(restored, keyIn(0, 100)).value());
        assertEquals("v4-changed", new String(get(a, keyIn(0, 4)).value(), StandardCharsets.UTF_8));
    }

    private static InputStream image(ShardGroupStateMachine sm) {
        return new ByteArrayInputStream(SnapshotBytes.write(sm.snapshot()));
    }
}
