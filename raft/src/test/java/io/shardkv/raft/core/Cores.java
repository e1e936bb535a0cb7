package io.shardkv.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkv.raft.core.Message.VoteRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * Builders and drivers for single {@link RaftCore}s in unit tests, in the spirit of etcd's
 * {@code newTestRaft} / {@code readMessages}. A group of size n has voters 1..n.
 */
final class Cores {

    static final int ELECTION_TICKS = RaftConfig.DEFAULT_ELECTION_TICKS;
    static final int HEARTBEAT_TICKS = RaftConfig.DEFAULT_HEARTBEAT_TICKS;

    /** The algorithm of the paper: no PreVote, no CheckQuorum. */
    static final UnaryOperator<RaftConfig.Builder> PAPER = b -> b.preVote(false).checkQuorum(false);

    /** The production defaults (PreVote and CheckQuorum on). */
    static final UnaryOperator<RaftConfig.Builder> DEFAULTS = UnaryOperator.identity();

    private Cores() {
    }

    static List<Integer> voters(int size) {
        return IntStream.rangeClosed(1, size).boxed().toList();
    }

    static RaftConfig config(int id, int size, UnaryOperator<RaftConfig.Builder> tweak) {
        return tweak.apply(RaftConfig.builder(id, voters(size))).build();
    }

    static RaftCore core(int id, int size, UnaryOperator<RaftConfig.Builder> tweak) {
        return core(id, size, DurableState.EMPTY, tweak);
    }

    static RaftCore core(int id, int size, DurableState durable, UnaryOperator<RaftConfig.Builder> tweak) {
        return new RaftCore(config(id, size, tweak), durable, new Random(id));
    }

    /** A durable log of command entries 1..n with the given terms, at {@code currentTerm}, nothing committed. */
    static DurableState log(long currentTerm, long... entryTerms) {
        return logCommittedTo(0, currentTerm, entryTerms);
    }

    /** As {@link #log}, with entries up to {@code commit} known to be committed. */
    static DurableState logCommittedTo(long commit, long currentTerm, long... entryTerms) {
        return new DurableState(new HardState(currentTerm, RaftCore.NONE, commit), null, entries(1, entryTerms));
    }

    /** Command entries at consecutive indexes from {@code firstIndex}, with the given terms. */
    static List<Entry> entries(long firstIndex, long... terms) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            entries.add(Entry.command(firstIndex + i, terms[i], bytes("e" + (firstIndex + i))));
        }
        return entries;
    }

    /** {@code count} consecutive entries of one term: a building block for long logs. */
    static long[] repeat(long term, int count) {
        long[] terms = new long[count];
        Arrays.fill(terms, term);
        return terms;
    }

    static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Handles every pending Ready as a trivial caller would (persisting = advancing; snapshot chunks
     * read and sent); returns the messages. A single core installs no snapshot: {@link Network} does.
     */
    static List<Message> drain(RaftCore core) {
        List<Message> out = new ArrayList<>();
        while (core.hasReady()) {
            Ready rd = core.ready();
            if (rd.snapshot() != null) {
                throw new AssertionError("Cores.drain installs no snapshot (use Network): " + rd.snapshot());
            }
            out.addAll(rd.messagesBeforePersist());
            rd.snapshotChunks().forEach(c -> out.add(c.read()));
            out.addAll(rd.messages());
            core.advance(rd);
        }
        return out;
    }

    static <T extends Message> List<T> ofType(List<Message> messages, Class<T> type) {
        return messages.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T> T single(List<T> list) {
        assertEquals(1, list.size(), () -> "expected exactly one: " + list);
        return list.get(0);
    }

    /** Ticks a follower until it starts a campaign (PreVote or election); fails if it never does. */
    static void tickUntilCampaign(RaftCore core) {
        for (int i = 0; i < 2 * core.config().electionTicks() && core.role() == Role.FOLLOWER; i++) {
            core.tick();
        }
        if (core.role() == Role.FOLLOWER) {
            throw new AssertionError("node " + core.id() + " did not campaign within two election timeouts");
        }
    }

    /**
     * Makes {@code core} leader without a network: it times out and every peer grants whatever it
     * asks for (PreVote included). Returns the messages of its first term as leader.
     */
    static List<Message> electAlone(RaftCore core) {
        tickUntilCampaign(core);
        List<Message> out = drain(core);
        for (int round = 0; round < 2 && core.role() != Role.LEADER; round++) {
            for (VoteRequest vr : ofType(out, VoteRequest.class)) {
                core.step(vr.preVote() ? Msg.voteResponse(vr.to(), vr.from()).term(vr.term()).preVote().granted()
                        : Msg.voteResponse(vr.to(), vr.from()).term(vr.term()).granted());
            }
            out = drain(core);
        }
        assertEquals(Role.LEADER, core.role(), "node " + core.id() + " should have won its election");
        return out;
    }
}
