package io.shardkv.raft.core;

import io.shardkv.raft.core.tracker.Progress;
import static io.shardkv.raft.core.Cores.ELECTION_TICKS;
import static io.shardkv.raft.core.Cores.HEARTBEAT_TICKS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkv.raft.core.Message.AppendEntries;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * How a leader paces AppendEntries to each follower (etcd's Progress states; the paper's §5.3 retry
 * loop made efficient): PROBE sends one message and waits, REPLICATE streams within a window, and
 * message size is bounded.
 */
class FlowControlTest {

    private static final int WINDOW = 3;
    /** One entry per AppendEntries, so messages and entries can be counted alike. */
    private static final UnaryOperator<RaftConfig.Builder> ONE_ENTRY_PER_MESSAGE =
            b -> b.maxInflightMessages(WINDOW).maxMessageBytes(1);

    /**
     * While the leader does not know where a follower's log ends (PROBE) it sends one AppendEntries
     * and waits for an answer before sending another, however much it has to send.
     */
    @Test
    void probeModeKeepsAtMostOneAppendInFlight() {
        Network n = Network.of(3, ONE_ENTRY_PER_MESSAGE);
        n.isolate(2);
        RaftCore leader = n.elect(1);

        for (int i = 0; i < 5; i++) {
            n.propose(1, "x" + i);
        }
        n.tick(3 * HEARTBEAT_TICKS, 1);

        assertEquals(Progress.State.PROBE, leader.progress(2).state());
        assertEquals(1, n.sent(AppendEntries.class, 1, 2).size(), "one probe, unanswered");
    }

    /**
     * Once a follower acknowledges an append it moves to REPLICATE, where the leader sends
     * optimistically without waiting — but never more than maxInflightMessages unacknowledged.
     */
    @Test
    void ackMovesFollowerToReplicateWhichPipelinesUpToInflightWindow() {
        Network n = Network.of(3, ONE_ENTRY_PER_MESSAGE);
        RaftCore leader = n.elect(1);
        assertEquals(Progress.State.REPLICATE, leader.progress(2).state(), "node 2 acknowledged the no-op");

        n.cut(1, 2);
        int before = n.sent(AppendEntries.class, 1, 2).size();
        for (int i = 0; i < 10; i++) {
            leader.propose(Cores.bytes("x" + i));
        }
        n.settle();

        List<AppendEntries> toNode2 = n.sent(AppendEntries.class, 1, 2);
        List<AppendEntries> pipelined = toNode2.subList(before, toNode2.size());
        assertEquals(WINDOW, pipelined.size(), "sent without waiting, up to the window");
        assertEquals(List.of(2L, 3L, 4L), pipelined.stream().map(AppendEntries::lastIndex).toList());
        assertEquals(11, n.core(3).lastLogIndex(), "the connected follower got everything");
        assertEquals(11, leader.commitIndex());
    }

    /**
     * maxMessageBytes bounds the entries of one AppendEntries, but an entry larger than the bound
     * still travels, alone — otherwise it could never be replicated.
     */
    @Test
    void maxMessageBytesLimitsEntriesPerAppendButSendsAtLeastOne() {
        int maxBytes = 100;
        int entryBytes = 30;
        Network n = Network.of(3, b -> b.maxMessageBytes(maxBytes));
        RaftCore leader = n.elect(1);
        int before = n.sent(AppendEntries.class, 1, 2).size();

        for (int i = 0; i < 6; i++) {
            leader.propose(new byte[entryBytes - Entry.ENTRY_OVERHEAD_BYTES]);
        }
        leader.propose(new byte[5 * maxBytes]);
        n.settle();

        List<AppendEntries> sent = n.sent(AppendEntries.class, 1, 2);
        List<Integer> batchSizes = sent.subList(before, sent.size()).stream().map(ae -> ae.entries().size()).toList();
        assertEquals(List.of(3, 3, 1), batchSizes, "3 × 30 bytes fit in 100, the 500-byte entry goes alone");
        assertEquals(leader.lastLogIndex(), n.core(2).lastLogIndex());
    }

    /**
     * In REPLICATE the leader assumes what it sent arrives; if an AppendEntries is lost and the
     * follower makes no progress across heartbeats, the leader resends from what the follower is
     * known to hold instead of waiting for a new proposal to reveal the gap.
     */
    @Test
    void lostAppendInReplicateModeIsRetransmittedAfterHeartbeatsWithoutProgress() {
        Network n = Network.of(3, Cores.DEFAULTS);
        RaftCore leader = n.elect(1);
        n.propose(1, "first");

        n.cut(1, 2);
        long lost = n.propose(1, "lost");
        n.recover();
        n.settle();
        assertEquals(lost - 1, n.core(2).lastLogIndex(), "nothing reveals the gap by itself");
        assertEquals(Progress.State.REPLICATE, leader.progress(2).state());

        n.tickUntil("lost entry resent", () -> n.core(2).lastLogIndex() == lost, ELECTION_TICKS - 1, 1);
        n.tickUntil("follower applies it", () -> n.node(2).appliedCommands().equals(List.of("first", "lost")),
                ELECTION_TICKS - 1, 1);
    }
}
