package io.shardkv.raft.core;

import static io.shardkv.raft.core.Cores.ELECTION_TICKS;
import static io.shardkv.raft.core.Cores.PAPER;
import static io.shardkv.raft.core.Cores.drain;
import static io.shardkv.raft.core.Cores.ofType;
import static io.shardkv.raft.core.Cores.single;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.Message.AppendEntries;
import io.shardkv.raft.core.Message.AppendResponse;
import io.shardkv.raft.core.Message.VoteRequest;
import io.shardkv.raft.core.Message.VoteResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The Ready/advance contract (RaftCore's Javadoc, after etcd's RawNode): no input between ready()
 * and advance(); nothing that promises durable state leaves before it is persisted (Figure 2:
 * persistent state is "updated on stable storage before responding to RPCs"); a leader counts its
 * own entries toward commitment only once they are persisted.
 */
class ReadyContractTest {

    @Test
    void inputBetweenReadyAndAdvanceIsRejected() {
        RaftCore node = Cores.core(1, 3, PAPER);
        Cores.tickUntilCampaign(node);
        Ready rd = node.ready();
        Message vote = Msg.voteResponse(2, 1).term(node.term()).granted();

        List<Executable> inputs = List.of(
                () -> node.step(vote),
                node::tick,
                () -> node.propose(Cores.bytes("x")),
                () -> node.readIndex(1),
                () -> node.transferLeadership(2),
                () -> node.compact(1, MemorySnapshots.of(new byte[0])),
                node::ready);
        for (Executable input : inputs) {
            assertThrows(IllegalStateException.class, input);
        }

        node.advance(rd);
        node.step(vote);
        assertEquals(Role.LEADER, node.role());
    }

    @Test
    void advanceRequiresTheReadyLastReturned() {
        RaftCore node = Cores.core(1, 3, PAPER);
        Cores.tickUntilCampaign(node);
        Ready first = node.ready();
        node.advance(first);
        node.step(Msg.voteResponse(2, 1).term(node.term()).granted());
        node.ready();

        assertThrows(IllegalStateException.class, () -> node.advance(first));
    }

    /** Figure 2: a candidate persists its new term and its own vote before asking for votes. */
    @Test
    void candidateSendsVoteRequestsOnlyAfterPersistingTermAndVote() {
        RaftCore node = Cores.core(1, 3, PAPER);
        Cores.tickUntilCampaign(node);

        Ready rd = node.ready();

        assertEquals(new HardState(1, 1, 0), rd.hardState());
        assertTrue(rd.messagesBeforePersist().isEmpty());
        assertEquals(2, ofType(rd.messages(), VoteRequest.class).size());
        node.advance(rd);
    }

    /** Figure 2: a granted vote is durable before the candidate hears of it. */
    @Test
    void voteIsSentOnlyAfterItIsPersisted() {
        RaftCore voter = Cores.core(1, 3, PAPER);
        voter.step(Msg.vote(2, 1).build());

        Ready rd = voter.ready();

        assertEquals(new HardState(1, 2, 0), rd.hardState());
        assertTrue(rd.messagesBeforePersist().isEmpty());
        VoteResponse vote = ofType(rd.messages(), VoteResponse.class).get(0);
        assertTrue(vote.granted());
        voter.advance(rd);
    }

    /** Figure 2: a follower acknowledges entries only once they are on its disk. */
    @Test
    void followerAcknowledgesAppendOnlyAfterPersistingEntries() {
        RaftCore follower = Cores.core(1, 3, new DurableState(new HardState(1, 2, 0), null, List.of()), PAPER);
        follower.step(Msg.append(2, 1).entries(Cores.entries(1, 1, 1)).build());

        Ready rd = follower.ready();

        assertEquals(2, rd.entries().size());
        assertTrue(rd.messagesBeforePersist().isEmpty());
        AppendResponse ack = ofType(rd.messages(), AppendResponse.class).get(0);
        assertEquals(2, ack.index());
        follower.advance(rd);
    }

    /**
     * Figure 2: a Ready that changes term or vote sends nothing before it is persisted — not even
     * replication traffic the node queued as leader before it learned of the newer term.
     */
    @Test
    void readyThatChangesTermOrVoteSendsEverythingAfterPersisting() {
        RaftCore leader = Cores.core(1, 3, PAPER);
        Cores.electAlone(leader);
        drain(leader);
        for (int i = 0; i < Cores.HEARTBEAT_TICKS; i++) {
            leader.tick();
        }
        leader.step(Msg.vote(2, 1).term(leader.term() + 1).last(10, leader.term()).build());

        Ready rd = leader.ready();

        assertEquals(2, rd.hardState().vote());
        assertTrue(rd.messagesBeforePersist().isEmpty(), () -> "sent before persisting: " + rd.messagesBeforePersist());
        assertEquals(2, ofType(rd.messages(), Message.Heartbeat.class).size(), "queued heartbeats wait for the write");
        assertTrue(single(ofType(rd.messages(), VoteResponse.class)).granted());
        leader.advance(rd);
    }

    /**
     * dissertation §10.2.1: a leader may send AppendEntries for entries it has not yet persisted
     * (they promise nothing), in parallel with its own disk write.
     */
    @Test
    void leaderMaySendAppendsBeforePersistingItsOwnEntries() {
        RaftCore leader = Cores.core(1, 3, PAPER);
        for (AppendEntries probe : ofType(Cores.electAlone(leader), AppendEntries.class)) {
            leader.step(AppendResponse.accept(probe.to(), 1, probe.term(), probe.lastIndex()));
        }
        drain(leader);
        long index = leader.propose(Cores.bytes("x"));

        Ready rd = leader.ready();

        assertEquals(List.of(index), rd.entries().stream().map(Entry::index).toList());
        List<AppendEntries> appends = ofType(rd.messagesBeforePersist(), AppendEntries.class);
        assertEquals(2, appends.size());
        assertTrue(appends.stream().allMatch(ae -> ae.lastIndex() == index));
        leader.advance(rd);
    }

    /**
     * What the early send allows: a leader that crashes before persisting its new entry loses it,
     * yet the followers that persisted it still decide its fate — here they hold a majority, so the
     * next leader commits it and the restarted node gets it back (Leader Completeness, §5.4).
     */
    @Test
    void entrySentBeforeLeaderPersistedItSurvivesLeaderCrashOnFollowers() {
        Network n = Network.of(3, Cores.DEFAULTS);
        n.elect(1);
        long index = n.core(1).propose(Cores.bytes("x"));

        RaftCore restarted = n.crashBeforePersisting(1);
        n.settle();
        assertEquals(index - 1, restarted.lastLogIndex(), "the leader never persisted it");
        assertEquals(index, n.core(2).lastLogIndex());
        assertEquals(index, n.core(3).lastLogIndex());

        n.tickUntil("x applied everywhere",
                () -> n.nodes().stream().allMatch(node -> node.appliedCommands().contains("x")), 10 * ELECTION_TICKS);
        assertNotEquals(1, n.agreedLeader());
        for (Network.Node node : n.nodes()) {
            assertEquals(List.of("x"), node.appliedCommands(), "node " + node.id);
        }
    }

    /**
     * A leader's own copy counts toward the commit quorum only once persisted: in a one-node group
     * an entry is committed at advance(), not at propose() or ready().
     */
    @Test
    void leaderCountsItsOwnEntryOnlyAfterAdvance() {
        RaftCore leader = Cores.core(1, 1, PAPER);
        Cores.electAlone(leader);
        long committed = leader.commitIndex();

        long index = leader.propose(Cores.bytes("x"));
        assertEquals(committed, leader.commitIndex());
        Ready rd = leader.ready();
        assertEquals(committed, leader.commitIndex());
        assertTrue(rd.committedEntries().stream().noneMatch(e -> e.index() == index));

        leader.advance(rd);
        assertEquals(index, leader.commitIndex());
        Ready next = leader.ready();
        assertEquals(List.of(index), next.committedEntries().stream().map(Entry::index).toList());
        leader.advance(next);
    }

    /**
     * maxApplyBytesPerReady bounds the committed entries of one Ready (but at least one is handed
     * out); the rest follow in later Readies, in order.
     */
    @Test
    void committedEntriesComeInBatchesBoundedByMaxApplyBytes() {
        int entryBytes = 40;
        Network n = Network.of(1, b -> b.maxApplyBytesPerReady(100));
        RaftCore leader = n.elect(1);
        for (int i = 0; i < 6; i++) {
            leader.propose(new byte[entryBytes - Entry.ENTRY_OVERHEAD_BYTES]);
        }
        leader.propose(new byte[500]);
        n.settle();

        List<Integer> batches = n.node(1).readies.stream().map(rd -> rd.committedEntries().size())
                .filter(size -> size > 0).toList();
        assertEquals(List.of(1, 2, 2, 2, 1), batches, "no-op; then 2 × 40 bytes per 100; the 500-byte entry alone");
        assertEquals(8, n.node(1).applied.size());
    }

    /**
     * Over a run with elections, partitions, lost messages, proposals and a leadership transfer, no
     * Ready ever lets an acknowledgement out before persisting, and a Ready that changes term or
     * vote sends nothing early at all.
     */
    @Test
    void noReadyEverSendsAcknowledgementsBeforePersisting() {
        Network n = Network.of(3, Cores.DEFAULTS);
        n.elect(1);
        n.propose(1, "a");
        n.isolate(1);
        n.propose(1, "lost");
        n.tickUntil("new leader", () -> n.agreedLeader(2, 3) != RaftCore.NONE, 10 * ELECTION_TICKS, 2, 3);
        n.propose(n.agreedLeader(2, 3), "b");
        n.recover();
        n.tickUntil("reunited", () -> n.agreedLeader() != RaftCore.NONE, 10 * ELECTION_TICKS);
        int leader = n.agreedLeader();
        n.core(leader).transferLeadership(leader == 1 ? 2 : 1);
        n.settle();
        n.tick(ELECTION_TICKS);

        int checked = 0;
        boolean sawVote = false;
        boolean sawAck = false;
        for (Network.Node node : n.nodes()) {
            HardState persisted = HardState.EMPTY;
            for (Ready rd : node.readies) {
                Network.checkReadyContract(persisted, rd);
                if (rd.hardState() != null) {
                    persisted = rd.hardState();
                }
                sawVote |= !ofType(rd.messages(), VoteResponse.class).isEmpty();
                sawAck |= !ofType(rd.messages(), AppendResponse.class).isEmpty();
                checked++;
            }
        }
        assertTrue(checked > 20 && sawVote && sawAck, "the run exercised votes and acks over " + checked + " readies");
    }

    /**
     * The core does no I/O: a leader decides that a follower needs the snapshot and which bytes go
     * in each chunk, but only the caller reads them (the core never calls {@link SnapshotData#read}).
     */
    @Test
    void aLeaderNamesSnapshotChunksButNeverReadsTheirBytes() {
        byte[] image = Cores.bytes("the state at index 5");
        int[] reads = {0};
        SnapshotData counted = new SnapshotData() {
            @Override
            public long size() {
                return image.length;
            }

            @Override
            public byte[] read(long offset, int length) {
                reads[0]++;
                return java.util.Arrays.copyOfRange(image, (int) offset, (int) offset + length);
            }

            @Override
            public java.io.InputStream open() {
                return new java.io.ByteArrayInputStream(image);
            }
        };
        Snapshot snapshot = new Snapshot(new SnapshotMeta(5, 1, Cores.voters(3)), counted);
        RaftCore leader = Cores.core(1, 3, new DurableState(new HardState(1, RaftCore.NONE, 5), snapshot, List.of()),
                Cores.DEFAULTS);
        Cores.electAlone(leader);
        leader.step(Msg.appendResponse(2, 1).term(leader.term()).rejects(5, 0, 0).build());

        Ready rd = leader.ready();
        SnapshotChunk chunk = single(rd.snapshotChunks());
        assertEquals(0, reads[0], "deciding to send a snapshot reads nothing");
        assertEquals(2, chunk.to());
        assertEquals(0, chunk.offset());
        assertEquals(image.length, chunk.length());
        Message.InstallSnapshot sent = chunk.read();
        assertEquals(1, reads[0]);
        assertArrayEquals(image, sent.data());
        assertTrue(sent.done());
        leader.advance(rd);
    }

    /**
     * A follower keeps no snapshot bytes: the Ready tells the caller to spool them and names the
     * snapshot to install; the caller must hand it back stored before giving any other input.
     */
    @Test
    void aReceivedSnapshotIsSpooledByTheCallerAndHandedBackStored() {
        RaftCore follower = Cores.core(1, 3, Cores.DEFAULTS);
        byte[] image = Cores.bytes("image@7");
        SnapshotMeta meta = new SnapshotMeta(7, 2, Cores.voters(3));
        follower.step(Msg.snapshot(2, 1, 2, meta, image));

        Ready rd = follower.ready();
        assertEquals(meta, rd.snapshot());
        assertEquals(3, rd.spool().size());
        assertEquals(new SpoolStep.Begin(meta, image.length), rd.spool().get(0));
        assertArrayEquals(image, ((SpoolStep.Append) rd.spool().get(1)).bytes());
        assertEquals(new SpoolStep.Complete(meta), rd.spool().get(2));
        follower.advance(rd);

        IllegalStateException early = assertThrows(IllegalStateException.class, follower::tick);
        assertTrue(early.getMessage().contains("snapshotStored"), early.getMessage());
        Snapshot other = new Snapshot(new SnapshotMeta(6, 2, Cores.voters(3)), MemorySnapshots.of(image));
        assertThrows(IllegalArgumentException.class, () -> follower.snapshotStored(other));
        follower.snapshotStored(new Snapshot(meta, MemorySnapshots.of(image)));
        follower.tick();
        assertEquals(7, follower.snapshot().index());
    }
}
