package io.shardkv.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.group.engine.EngineSettings;
import io.shardkv.group.engine.GroupEngine;
import io.shardkv.group.engine.MemoryEngine;
import io.shardkv.raft.rsm.StateMachine;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard group's state kept durably in the RocksDB engine ({@link GroupJournal}), crashed at
 * random points: group 1 runs on RocksDB beside a twin on the heap that applies the same entries,
 * through writes, retries, expiring sessions, configurations, chunked migrations both ways,
 * deletions and a snapshot restore, while group 2 (on the heap) is the other side of every
 * migration. A crash is closing the engine without flushing its memtables (what a kill -9 leaves
 * of them). After each, the reopened state must be exactly the twin's at the entry it reopens at
 * — no later than the last {@code persist}, no earlier than the last one made durable — and
 * replaying the entries after it must give exactly the twin's state now: nothing lost, nothing
 * applied twice.
 */
class DurableGroupStateTest {

    private static final int SHARDS = 8;
    private static final int SEEDS = 10;
    private static final long SESSION_TIMEOUT = 400;
    private static final EngineSettings ENGINE = EngineSettings.ROCKSDB.withMemory(8 << 20, 1 << 20);

    @TempDir
    Path dir;

    private GroupEngine engine;
    private ShardGroupStateMachine durable;
    private ShardGroupStateMachine twin;
    private ShardGroupStateMachine other;
    /** Group 1's entries by index (its log), the twin's image after each, and the host state given with each. */
    private final TreeMap<Long, Applied> log = new TreeMap<>();
    private final Map<Long, byte[]> twinImages = new HashMap<>();
    private long index;
    private long otherIndex;
    private long now;
    private long persistedAt;
    private long restoredAt;
    private boolean restoredSincePersist;
    private int atPersisted;
    private int afterPersisted;
    private int empty;
    private int restores;
    private Config latest;
    private final Map<Long, Long> seqs = new HashMap<>();
    private Random batchEnds = new Random(0);

    private record Applied(long timeMillis, byte[] command, byte[] hostState) {
    }

    private static ShardGroupStateMachine machine(int gid, GroupEngine engine) {
        return new ShardGroupStateMachine(gid, SHARDS, engine, SESSION_TIMEOUT, 4);
    }

    @BeforeEach
    void oneReplica() {
        replica = dir;
    }

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    private Path replica;

    private void open() throws IOException {
        engine = ENGINE.open(replica);
        durable = machine(1, engine);
    }

    @Test
    void crashesAtRandomPointsLoseNothingAndApplyNothingTwice() throws IOException {
        for (long seed = 1; seed <= SEEDS; seed++) {
            if (engine != null) {
                engine.close();
                engine = null;
            }
            run(seed);
        }
        System.out.printf("crash consistency (durable group state): %d seeds, %d crashes: %d reopened at the entry "
                + "last persisted, %d after it (flushed on its own), %d with nothing to reopen; %d restores%n",
                SEEDS, atPersisted + afterPersisted + empty, atPersisted, afterPersisted, empty, restores);
        assertTrue(afterPersisted > 0, "no crash found the engine past its last persist: memtables never flushed on their own");
    }

    private void run(long seed) throws IOException {
        Random random = new Random(seed);
        batchEnds = new Random(-seed);
        replica = dir.resolve("seed-" + seed);
        reset();
        open();
        assertNull(durable.recovered(), "a new engine holds no state");
        int crashes = 0;
        int[] owners = new int[SHARDS];
        Arrays.fill(owners, 1);
        takeConfig(owners);
        for (int step = 0; step < 900; step++) {
            int r = random.nextInt(100);
            if (r < 80) {
                clientWrite(random);
            } else if (r < 83) {
                for (int s = 0; s < SHARDS; s++) {
                    owners[s] = random.nextInt(3) == 0 ? 3 - owners[s] : owners[s];
                }
                takeConfig(owners);
            } else if (r < 90) {
                durable.commitApplied();
                durable.persist();
                persistedAt = index;
                restoredSincePersist = false;
                twinImages.keySet().removeIf(i -> i < persistedAt && i != restoredAt);
            } else if (r < 95) {
                crash();
                crashes++;
            } else if (r == 95) {
                restoreFromTwin();
            }
        }
        crash();
        assertTrue(crashes > 10, "crashes: " + crashes);
    }

    private void reset() {
        twin = machine(1, MemoryEngine.INSTANCE);
        other = machine(2, MemoryEngine.INSTANCE);
        latest = Config.initial(SHARDS);
        index = 0;
        otherIndex = 0;
        now = 0;
        log.clear();
        twinImages.clear();
        seqs.clear();
        persistedAt = 0;
        restoredAt = 0;
        restoredSincePersist = false;
    }

    /** A write to a random key of a random client, sometimes a retry of its last; applied by whichever group serves it. */
    private void clientWrite(Random random) {
        long client = 1 + random.nextInt(12);
        long seq = seqs.merge(client, 1L, Long::sum);
        if (seq > 1 && random.nextInt(8) == 0) {
            seq--; // a retry
            seqs.put(client, seq);
        }
        byte[] key = ("key" + random.nextInt(200)).getBytes();
        KvOp op = random.nextInt(6) == 0 ? KvOp.DELETE : random.nextBoolean() ? KvOp.PUT : KvOp.APPEND;
        byte[] value = new byte[op == KvOp.DELETE ? 0 : 1 + random.nextInt(random.nextInt(10) == 0 ? 20_000 : 100)];
        random.nextBytes(value);
        KvRequest request = new KvRequest(client, seq, Math.max(1, seq - random.nextInt(3)), op, key,
                op == KvOp.DELETE ? null : value, null);
        byte[] command = GroupCodec.encode(new GroupCommand.ClientWrite(request));
        now += random.nextInt(30);
        if (twin.serves(key)) {
            applyToGroup1(command);
        } else {
            other.apply(++otherIndex, now, command);
        }
    }

    /** Both groups take the next configuration, then move what it moves, in small chunks, and delete what was moved. */
    private void takeConfig(int[] owners) {
        Map<Integer, List<String>> groups = new TreeMap<>();
        groups.put(1, List.of("g1:1"));
        groups.put(2, List.of("g2:1"));
        latest = latest.next(owners.clone(), groups);
        byte[] next = GroupCodec.encode(new GroupCommand.NextConfig(latest));
        applyToGroup1(next);
        other.apply(++otherIndex, now, next);
        pull(true);
        pull(false);
    }

    private void pull(boolean intoGroup1) {
        ShardGroupStateMachine to = intoGroup1 ? twin : other;
        ShardGroupStateMachine from = intoGroup1 ? other : twin;
        while (!to.pullTasks().isEmpty()) {
            ShardGroupStateMachine.PullTask task = to.pullTasks().get(0);
            PullAnswer.Chunk chunk = assertInstanceOf(PullAnswer.Chunk.class,
                    from.pull(task.shard(), task.handoff(), task.cursor(), 3_000));
            byte[] install = GroupCodec.encode(new GroupCommand.InstallChunk(to.config().num(), task.shard(),
                    task.handoff(), task.cursor(), chunk));
            applyTo(intoGroup1, install);
        }
        for (ShardGroupStateMachine.GcTask t : to.gcTasks()) {
            applyTo(!intoGroup1, GroupCodec.encode(new GroupCommand.DeleteShard(t.shard(), t.handoff())));
            applyTo(intoGroup1, GroupCodec.encode(new GroupCommand.GcDone(t.shard(), t.handoff())));
        }
    }

    private void applyTo(boolean group1, byte[] command) {
        if (group1) {
            applyToGroup1(command);
        } else {
            other.apply(++otherIndex, now, command);
        }
    }

    /** One entry of group 1's log: applied to the twin and to the durable state, with a host state naming it. */
    private void applyToGroup1(byte[] command) {
        index++;
        byte[] host = ByteBuffer.allocate(16).putLong(index).putLong(now).array();
        log.put(index, new Applied(now, command, host));
        byte[] expected = twin.apply(index, now, command);
        twinImages.put(index, image(twin));
        assertArrayEquals(expected, durable.apply(index, now, command), "reply at " + index);
        durable.applied(index, 7, () -> host);
        if (batchEnds.nextInt(3) == 0) {
            durable.commitApplied(); // the node's batches of entries end at random points
        }
    }

    /** As a snapshot installed from the leader: the state is replaced by the twin's image of now. */
    private void restoreFromTwin() throws IOException {
        durable.restore(new ByteArrayInputStream(image(twin)));
        durable.applied(index, 7, log.get(index)::hostState);
        durable.commitApplied();
        restoredAt = index;
        restoredSincePersist = true;
        restores++;
        assertArrayEquals(twinImages.get(index), image(durable), "restored at " + index);
    }

    /** Closes the engine unflushed, reopens it, and checks the state it reopens at, then replays the rest of the log. */
    private void crash() throws IOException {
        engine.close();
        open();
        StateMachine.Recovered at = durable.recovered();
        if (at == null) {
            // Nothing persisted yet, or the engine flushed on its own during a restore, after it
            // forgot its entry: the replica starts empty, or restores the snapshot again (the Raft
            // log begins there), and replays the log.
            assertTrue(persistedAt == 0 || restoredSincePersist, "nothing reopened, though entry " + persistedAt
                    + " was persisted");
            long from = restoredSincePersist ? restoredAt : 0;
            empty++;
            if (from > 0) {
                durable.restore(new ByteArrayInputStream(twinImages.get(from)));
                durable.applied(from, 7, log.get(from)::hostState);
                durable.commitApplied();
            }
            replayAfter(from);
            return;
        }
        assertTrue(at.index() >= persistedAt && at.index() <= index,
                "reopened at " + at.index() + ": persisted at " + persistedAt + ", applied up to " + index);
        assertEquals(7, at.term());
        assertArrayEquals(log.get(at.index()).hostState(), at.hostState(), "host state at " + at.index());
        assertArrayEquals(twinImages.get(at.index()), image(durable), "the state reopened at " + at.index());
        if (at.index() == persistedAt) {
            atPersisted++;
        } else {
            afterPersisted++;
        }
        replayAfter(at.index());
    }

    private void replayAfter(long from) {
        for (Map.Entry<Long, Applied> e : log.tailMap(from, false).entrySet()) {
            durable.apply(e.getKey(), e.getValue().timeMillis(), e.getValue().command());
            durable.applied(e.getKey(), 7, e.getValue()::hostState);
        }
        durable.commitApplied();
        assertArrayEquals(twinImages.get(index), image(durable), "the state replayed from " + from + " up to " + index);
    }

    @Test
    void discardedStateIsEmptyAsNew() throws IOException {
        reset();
        open();
        int[] owners = new int[SHARDS];
        Arrays.fill(owners, 1);
        takeConfig(owners);
        clientWrite(new Random(3));
        durable.commitApplied();
        durable.persist();
        engine.close();
        open();
        assertNotNull(durable.recovered());
        durable.discardRecovered();
        assertNull(durable.recovered());
        assertArrayEquals(image(machine(1, MemoryEngine.INSTANCE)), image(durable));
        engine.close();
        open();
        assertNull(durable.recovered(), "discarded for good");
    }

    /** A group not yet given any shard applies only its leaders' no-op entries: it reopens at them all the same. */
    @Test
    void onlyNoOpEntriesReopenAsTheEmptyState() throws IOException {
        reset();
        open();
        byte[] host = new byte[] {1, 2, 3};
        durable.applied(1, 1, () -> host);
        durable.applied(2, 2, () -> host);
        durable.commitApplied();
        durable.persist();
        engine.close();
        open();
        assertEquals(2, durable.recovered().index());
        assertArrayEquals(image(machine(1, MemoryEngine.INSTANCE)), image(durable));
    }

    @Test
    void anotherGroupsEngineIsRefused() throws IOException {
        reset();
        open();
        applyToGroup1(GroupCodec.encode(new GroupCommand.GcDone(0, 1)));
        durable.commitApplied();
        durable.persist();
        engine.close();
        engine = ENGINE.open(replica);
        GroupEngine opened = engine;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> machine(2, opened));
        assertTrue(e.getMessage().contains("holds group 1 with 8 shards"), e.getMessage());
    }

    private static byte[] image(ShardGroupStateMachine sm) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            sm.snapshot().writeTo(out);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }
}
