package io.shardkv.raft.rsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.MemorySnapshots;
import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.core.SnapshotBytes;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.SoftState;
import io.shardkv.raft.node.NotLeaderException;
import io.shardkv.raft.node.Proposal;
import io.shardkv.raft.node.ReplicatedLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The host's own rules, with the log as a test double (the seam a Raft node fills): exactly-once
 * through sessions, deterministic expiry, (index, term) matching, failing over on leadership loss,
 * and snapshots that carry the sessions.
 */
class RsmHostTest {

    /** A log whose entries the test commits by hand. */
    private static final class ManualLog implements ReplicatedLog {
        final List<byte[]> proposed = new ArrayList<>();
        long term = 1;
        boolean leader = true;
        long lastIndex;
        final List<Long> compactedAt = new ArrayList<>();
        byte[] lastSnapshot;

        @Override
        public CompletableFuture<Proposal> propose(byte[] data) {
            if (!leader) {
                return CompletableFuture.failedFuture(new NotLeaderException(1, 2));
            }
            proposed.add(data);
            return CompletableFuture.completedFuture(new Proposal(++lastIndex, term));
        }

        @Override
        public CompletableFuture<Long> readIndex() {
            return leader ? CompletableFuture.completedFuture(lastIndex)
                    : CompletableFuture.failedFuture(new NotLeaderException(1, 2));
        }

        @Override
        public CompletableFuture<Void> compact(long index, SnapshotImage image) {
            compactedAt.add(index);
            lastSnapshot = SnapshotBytes.write(image);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void execute(Runnable action) {
            action.run();
        }

        @Override
        public int id() {
            return 1;
        }
    }

    /** Appends each command to one string; replies with the new length. */
    private static final class Appender implements StateMachine {
        final StringBuilder state = new StringBuilder();
        int applied;

        @Override
        public byte[] apply(long index, long timeMillis, byte[] command) {
            applied++;
            state.append(new String(command, StandardCharsets.UTF_8));
            return String.valueOf(state.length()).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] query(byte[] query) {
            return state.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public SnapshotImage snapshot() {
            return SnapshotImage.of(state.toString().getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void restore(InputStream image) throws IOException {
            state.setLength(0);
            state.append(new String(image.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private final ManualLog log = new ManualLog();
    private final Appender service = new Appender();
    private long now = 1_000;
    private final RsmHost host = new RsmHost(service, log,
            RsmOptions.DEFAULTS.withSnapshotThreshold(0).withSessionTimeout(Duration.ofSeconds(10)), () -> now);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Commits every proposal so far, in order, at the log's current term. */
    private void commitAll() {
        long first = log.lastIndex - log.proposed.size() + 1;
        for (int i = 0; i < log.proposed.size(); i++) {
            host.apply(Entry.command(first + i, log.term, log.proposed.get(i)));
        }
        log.proposed.clear();
    }

    private static String reply(RsmOutcome o) {
        return new String(assertInstanceOf(RsmOutcome.Ok.class, o).reply(), StandardCharsets.UTF_8);
    }

    @Test
    void retriedCommandIsAnsweredFromTheSessionNotAppliedTwice() {
        List<RsmOutcome> outcomes = new ArrayList<>();
        host.submit(7, 1, 1, b("ab"), outcomes::add);
        host.submit(7, 1, 1, b("ab"), outcomes::add); // the client retried before hearing back
        commitAll();
        assertEquals(List.of("2", "2"), outcomes.stream().map(RsmHostTest::reply).toList());
        assertEquals(1, service.applied);
        assertEquals("ab", service.state.toString());
    }

    @Test
    void proposalFailsWhenAnotherEntryCommitsAtItsIndex() {
        List<RsmOutcome> outcomes = new ArrayList<>();
        host.submit(7, 1, 1, b("x"), outcomes::add);
        // A new leader's entry took index 1.
        host.apply(Entry.command(1, 2, RsmCommand.encode(new RsmCommand.Client(now, 8, 1, 1, b("y")))));
        assertEquals(new RsmOutcome.WrongLeader(0), outcomes.get(0));
        assertEquals("y", service.state.toString());
    }

    @Test
    void losingLeadershipFailsPendingWritesAndTheRetryStillAppliesOnce() {
        List<RsmOutcome> first = new ArrayList<>();
        host.submit(7, 1, 1, b("x"), first::add);
        host.onSoftStateChange(new SoftState(2, Role.FOLLOWER, 3));
        assertEquals(new RsmOutcome.WrongLeader(3), first.get(0));
        // The old proposal commits anyway; the client's retry with the same seq is a duplicate.
        byte[] original = log.proposed.get(0);
        host.apply(Entry.command(1, 1, original));
        host.apply(Entry.command(2, 2, original));
        assertEquals(1, service.applied);
    }

    @Test
    void leadershipFollowsTheLastRoleChange() {
        assertFalse(host.isLeader());
        host.onSoftStateChange(new SoftState(1, Role.LEADER, 1));
        assertTrue(host.isLeader());
        host.onSoftStateChange(new SoftState(2, Role.FOLLOWER, 3));
        assertFalse(host.isLeader());
    }

    @Test
    void notLeaderIsReportedWithTheHint() {
        log.leader = false;
        List<RsmOutcome> outcomes = new ArrayList<>();
        host.submit(7, 1, 1, b("x"), outcomes::add);
        host.query(b("q"), outcomes::add);
        assertEquals(List.of(new RsmOutcome.WrongLeader(2), new RsmOutcome.WrongLeader(2)), outcomes);
    }

    @Test
    void sessionsExpireByReplicatedTimeAndAnExpiredClientIsToldSo() {
        List<RsmOutcome> outcomes = new ArrayList<>();
        host.submit(7, 1, 1, b("a"), outcomes::add);
        commitAll();
        now += 11_000; // beyond the 10 s timeout, by the leader's clock carried in the next entry
        host.submit(8, 1, 1, b("b"), outcomes::add);
        commitAll();
        assertEquals(1, host.sessionCount(), "client 7 expired when client 8's entry was applied");
        host.submit(7, 2, 2, b("c"), outcomes::add);
        commitAll();
        assertInstanceOf(RsmOutcome.SessionExpired.class, outcomes.get(2));
        assertEquals("ab", service.state.toString());
    }

    @Test
    void acknowledgedRepliesAreForgottenAndLateRetriesOfThemRejected() {
        List<RsmOutcome> outcomes = new ArrayList<>();
        host.submit(7, 1, 1, b("a"), outcomes::add);
        host.submit(7, 2, 2, b("b"), outcomes::add);
        host.submit(7, 1, 1, b("a"), outcomes::add); // a stale duplicate of seq 1, delayed in the network
        commitAll();
        assertInstanceOf(RsmOutcome.Rejected.class, outcomes.get(2));
        assertEquals("ab", service.state.toString());
    }

    @Test
    void aClientCannotRunAheadOfItsAcknowledgementsWithoutBound() {
        RsmHost small = new RsmHost(service, log, new RsmOptions(0, Duration.ofSeconds(10), 2), () -> now);
        List<RsmOutcome> outcomes = new ArrayList<>();
        for (int seq = 1; seq <= 3; seq++) {
            small.submit(7, seq, 1, b("x"), outcomes::add);
        }
        for (int i = 0; i < log.proposed.size(); i++) {
            small.apply(Entry.command(i + 1, 1, log.proposed.get(i)));
        }
        assertInstanceOf(RsmOutcome.Rejected.class, outcomes.get(2));
        assertEquals(2, service.applied);
    }

    @Test
    void queriesDoNotTouchTheLog() {
        List<RsmOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            host.query(b("q"), outcomes::add);
        }
        assertTrue(log.proposed.isEmpty());
        assertEquals(1000, outcomes.size());
    }

    @Test
    void snapshotCarriesSessionsSoDuplicatesAreStillCaughtAfterRestore() {
        RsmHost snapshotting = new RsmHost(service, log,
                RsmOptions.DEFAULTS.withSnapshotThreshold(1).withSessionTimeout(Duration.ofSeconds(10)), () -> now);
        List<RsmOutcome> outcomes = new ArrayList<>();
        snapshotting.submit(7, 1, 1, b("ab"), outcomes::add);
        byte[] command = log.proposed.get(0);
        snapshotting.apply(Entry.command(1, 1, command));
        assertEquals(List.of(1L), log.compactedAt);

        Appender fresh = new Appender();
        RsmHost restored = new RsmHost(fresh, new ManualLog(), RsmOptions.DEFAULTS, () -> now);
        restored.restore(new Snapshot(new SnapshotMeta(1, 1, List.of(1)), MemorySnapshots.of(log.lastSnapshot)));
        assertEquals("ab", fresh.state.toString());
        assertEquals(1, restored.sessionCount());
        restored.apply(Entry.command(2, 1, command)); // the same command again, e.g. a client retry
        assertEquals(0, fresh.applied);
        assertArrayEquals(b("ab"), SnapshotBytes.write(fresh.snapshot()));
    }

    @Test
    void malformedSessionCoordinatesAreRejectedBeforeProposing() {
        List<RsmOutcome> outcomes = new ArrayList<>();
        host.submit(7, 1, 2, b("x"), outcomes::add);
        assertInstanceOf(RsmOutcome.Rejected.class, outcomes.get(0));
        assertTrue(log.proposed.isEmpty());
    }
}
