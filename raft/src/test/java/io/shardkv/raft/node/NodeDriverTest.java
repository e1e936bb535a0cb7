package io.shardkv.raft.node;

import io.shardkv.raft.core.MemorySnapshots;
import io.shardkv.raft.core.Msg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.DurableState;
import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.Message;
import io.shardkv.raft.core.RaftConfig;
import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.core.Ready;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotData;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.SnapshotSpool;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The driver's half of the Ready contract, over seams that record what happens in which order:
 * committed entries are applied before the Ready that carries them is persisted, acknowledgements
 * leave only after it, received snapshot bytes go to the spool, reads complete at their index.
 */
class NodeDriverTest {

    /** Seams that log every call, and run submitted tasks when asked. */
    private static final class Recorder implements NodeStorage, Applier {
        final List<String> events = new ArrayList<>();
        final List<String> spoolEvents = new ArrayList<>();
        final ArrayDeque<NodeInputs.Task> tasks = new ArrayDeque<>();
        Snapshot persistedSnapshot;

        @Override
        public SnapshotSpool spool() {
            return (meta, totalBytes) -> {
                SnapshotSpool.Receiving memory = MemorySnapshots.SPOOL.begin(meta, totalBytes);
                spoolEvents.add("begin " + meta.index());
                return new SnapshotSpool.Receiving() {
                    @Override
                    public void append(byte[] chunk) {
                        memory.append(chunk);
                    }

                    @Override
                    public SnapshotData finish() {
                        spoolEvents.add("finish " + meta.index());
                        return memory.finish();
                    }

                    @Override
                    public void abort() {
                        spoolEvents.add("abort " + meta.index());
                    }
                };
            };
        }

        @Override
        public void persist(Ready rd, Snapshot received, Consumer<Snapshot> done) {
            events.add("persist" + (rd.hardState() != null ? " commit=" + rd.hardState().commit() : ""));
            persistedSnapshot = received;
            done.accept(received);
        }

        @Override
        public CompletableFuture<WrittenSnapshot> writeSnapshot(SnapshotMeta meta, SnapshotImage image) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void apply(Entry entry) {
            events.add("apply " + entry.index());
        }

        @Override
        public void restore(Snapshot snapshot) {
            events.add("restore " + snapshot.index());
        }

        void send(Message m) {
            events.add("send " + m.getClass().getSimpleName() + " to " + m.to());
        }

        void runTasks(NodeDriver driver) {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
            driver.processReadies();
        }
    }

    private static NodeDriver driver(Recorder r, int id, int size) {
        List<Integer> voters = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            voters.add(i);
        }
        RaftCore core = new RaftCore(RaftConfig.builder(id, voters).build(), DurableState.EMPTY, new Random(1));
        return new NodeDriver(core, r, r::send, r.tasks::add, log -> r, () -> { });
    }

    private static void elect(NodeDriver driver) {
        for (int i = 0; i < 100 && driver.core().role() != Role.LEADER; i++) {
            driver.tick();
            driver.processReadies();
        }
        assertEquals(Role.LEADER, driver.core().role());
    }

    @Test
    void committedEntriesAreAppliedBeforeTheReadyCarryingThemIsPersisted() {
        Recorder r = new Recorder();
        NodeDriver driver = driver(r, 1, 1);
        elect(driver);
        int applied = r.events.indexOf("apply 1");
        assertTrue(applied >= 0, r.events.toString());
        assertEquals("persist commit=1", r.events.get(applied + 1), "the no-op applies, then its commit is persisted");
    }

    @Test
    void acknowledgementsLeaveOnlyAfterTheirReadyIsPersisted() {
        Recorder r = new Recorder();
        NodeDriver driver = driver(r, 1, 3);
        driver.step(Msg.append(2, 1).entries(List.of(Entry.command(1, 1, new byte[] {1}))).build());
        driver.processReadies();
        assertEquals(List.of("persist commit=0", "send AppendResponse to 2"), r.events);
    }

    @Test
    void aSnapshotReplacedWithinOneReadyIsDroppedFromTheSpoolAndTheNewerOneInstalled() {
        Recorder r = new Recorder();
        NodeDriver driver = driver(r, 1, 3);
        byte[] a = "image@5".getBytes(StandardCharsets.UTF_8);
        byte[] b = "image@7".getBytes(StandardCharsets.UTF_8);
        SnapshotMeta metaA = new SnapshotMeta(5, 1, List.of(1, 2, 3));
        SnapshotMeta metaB = new SnapshotMeta(7, 1, List.of(1, 2, 3));
        driver.step(Msg.snapshot(2, 1, 1, metaA, a));
        driver.step(Msg.snapshot(2, 1, 1, metaB, b));
        driver.processReadies();

        assertEquals(List.of("begin 5", "finish 5", "begin 7", "abort 5", "finish 7"), r.spoolEvents,
                "snapshot 5 is complete when 7 starts; once 7 completes too, 5 is dropped");
        assertEquals(metaB, r.persistedSnapshot.meta());
        assertTrue(r.events.contains("restore 7"), r.events.toString());
        assertEquals(7, driver.appliedIndex());
        assertEquals(7, driver.core().snapshot().index(), "the core now reads the stored snapshot");
    }

    @Test
    void aReadCompletesAtItsReadIndexAndFailsWhenLeadershipIsLost() {
        Recorder r = new Recorder();
        NodeDriver driver = driver(r, 1, 1);
        elect(driver);
        CompletableFuture<Long> read = driver.readIndex();
        r.runTasks(driver);
        assertEquals(1L, read.join(), "a single voter confirms at once, at its commit index");

        Recorder r3 = new Recorder();
        NodeDriver follower = driver(r3, 1, 3);
        CompletableFuture<Long> refused = follower.readIndex();
        r3.runTasks(follower);
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, refused::join);
        assertInstanceOf(NotLeaderException.class, e.getCause());
    }

    /** A read waiting for the new leader's first commit fails when the node stops. */
    @Test
    void aStoppedDriverFailsTheReadsItHolds() {
        Recorder r = new Recorder();
        NodeDriver driver = driver(r, 1, 3);
        for (int i = 0; i < 100 && driver.core().role() == Role.FOLLOWER; i++) {
            driver.tick();
        }
        driver.processReadies();
        driver.step(Msg.voteResponse(2, 1).term(driver.core().term() + 1).preVote().granted());
        driver.processReadies();
        driver.step(Msg.voteResponse(2, 1).term(driver.core().term()).granted());
        driver.processReadies();
        assertEquals(Role.LEADER, driver.core().role());
        CompletableFuture<Long> read = driver.readIndex();
        r.runTasks(driver);
        NodeStoppedException stop = new NodeStoppedException("node 1 is stopped", null);
        driver.stop(stop);
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, read::join);
        assertEquals(stop, e.getCause());
    }
}
