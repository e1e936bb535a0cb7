package io.shardkv.raft.core;

import static io.shardkv.raft.core.Cores.ELECTION_TICKS;
import static io.shardkv.raft.core.Cores.HEARTBEAT_TICKS;
import static io.shardkv.raft.core.Cores.PAPER;
import static io.shardkv.raft.core.Cores.drain;
import static io.shardkv.raft.core.Cores.ofType;
import static io.shardkv.raft.core.Cores.single;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.Message.AppendEntries;
import io.shardkv.raft.core.Message.AppendResponse;
import io.shardkv.raft.core.Message.VoteRequest;
import io.shardkv.raft.core.Message.VoteResponse;
import io.shardkv.raft.core.confchange.MembershipCodec;
import io.shardkv.raft.core.tracker.MembershipConfig;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules of the Raft paper (Ongaro and Ousterhout, "In Search of an Understandable Consensus
 * Algorithm"), section by section, after etcd-io/raft's raft_paper_test.go. Every node here runs
 * the paper's algorithm: PreVote and CheckQuorum are off.
 */
class RaftPaperTest {

    // ------------------------------------------------------------------ §5.1 terms

    /**
     * §5.1, Figure 2 "Rules for Servers": if a message carries a term T > currentTerm, set
     * currentTerm = T and convert to follower — whatever the node's role.
     */
    @ParameterizedTest
    @EnumSource(value = Role.class, names = {"FOLLOWER", "CANDIDATE", "LEADER"})
    void nodeAdoptsHigherTermAndBecomesFollower(Role start) {
        RaftCore node = nodeIn(start);
        long higher = node.term() + 2;

        node.step(Msg.append(2, 1).term(higher).build());

        assertEquals(higher, node.term());
        assertEquals(Role.FOLLOWER, node.role());
        assertEquals(2, node.leader());
    }

    /** §5.1, Figure 2: a response with a higher term also demotes a leader. */
    @Test
    void leaderStepsDownOnHigherTermResponse() {
        RaftCore leader = nodeIn(Role.LEADER);
        long higher = leader.term() + 1;

        leader.step(Msg.voteResponse(3, 1).term(higher).rejected());

        assertEquals(Role.FOLLOWER, leader.role());
        assertEquals(higher, leader.term());
        assertEquals(RaftCore.NONE, leader.leader());
    }

    /**
     * §5.1: "If a server receives a request with a stale term number, it rejects the request." As in
     * etcd, plain Raft drops it: no entry is appended, no vote granted, nothing changes.
     */
    @Test
    void staleTermRequestsAreRejected() {
        RaftCore node = Cores.core(1, 3, Cores.log(3, 1, 2), PAPER);

        node.step(Msg.append(2, 1).term(2).prev(2, 2).entries(Cores.entries(3, 2)).commit(3).build());
        node.step(Msg.vote(3, 1).term(2).last(10, 2).build());

        assertEquals(3, node.term());
        assertEquals(Role.FOLLOWER, node.role());
        assertEquals(RaftCore.NONE, node.leader());
        assertEquals(RaftCore.NONE, node.votedFor());
        assertEquals(2, node.lastLogIndex());
        assertEquals(0, node.commitIndex());
        List<Message> out = drain(node);
        assertTrue(ofType(out, VoteResponse.class).stream().noneMatch(VoteResponse::granted), out::toString);
        assertTrue(ofType(out, AppendResponse.class).isEmpty(), out::toString);
    }

    /**
     * §5.1: a stale leader must learn the newer term so it steps down. With CheckQuorum (or PreVote)
     * it would otherwise never hear it, so the follower answers a stale AppendEntries with its term.
     */
    @Test
    void staleLeaderIsToldTheCurrentTermUnderCheckQuorum() {
        RaftCore node = Cores.core(1, 3, Cores.log(3, 1, 2), b -> b.preVote(false).checkQuorum(true));

        node.step(Msg.append(2, 1).term(2).prev(2, 2).entries(Cores.entries(3, 2)).build());

        AppendResponse answer = single(ofType(drain(node), AppendResponse.class));
        assertEquals(3, answer.term());
        assertEquals(2, answer.to());
        assertEquals(2, node.lastLogIndex(), "the stale leader's entry must not be appended");
    }

    // ------------------------------------------------------------------ §5.2 leader election

    /**
     * §5.2: a follower that hears nothing for an election timeout becomes a candidate: it increments
     * its term, votes for itself and asks every other server for its vote. A candidate whose
     * election times out does the same again in a new term.
     */
    @Test
    void followerAndThenCandidateStartElectionOnTimeout() {
        RaftCore node = Cores.core(1, 3, Cores.log(1, 1), PAPER);

        Cores.tickUntilCampaign(node);
        assertCampaigning(node, 2);

        // Nobody answered: the candidate's election times out and it starts another, one term later.
        for (int i = 0; i < 2 * ELECTION_TICKS && node.term() == 2; i++) {
            node.tick();
        }
        assertCampaigning(node, 3);
    }

    private static void assertCampaigning(RaftCore node, long term) {
        assertEquals(Role.CANDIDATE, node.role());
        assertEquals(term, node.term());
        assertEquals(1, node.votedFor());
        List<VoteRequest> requests = ofType(drain(node), VoteRequest.class);
        assertEquals(Set.of(2, 3), requests.stream().map(VoteRequest::to).collect(Collectors.toSet()));
        for (VoteRequest vr : requests) {
            assertEquals(term, vr.term());
            assertEquals(1, vr.lastIndex());
            assertEquals(1, vr.lastTerm());
            assertFalse(vr.preVote());
        }
    }

    /**
     * §5.2: election timeouts are chosen randomly from a fixed interval — here
     * [electionTicks, 2 × electionTicks) — and re-drawn for every election, so split votes are rare.
     */
    @Test
    void electionTimeoutIsRandomizedBetweenOneAndTwoElectionTimeouts() {
        Set<Integer> seen = new TreeSet<>();
        for (long seed = 0; seed < 100; seed++) {
            RaftCore node = new RaftCore(Cores.config(1, 3, PAPER), DurableState.EMPTY, new Random(seed));
            for (int election = 1; election <= 2; election++) {
                long termBefore = node.term();
                int ticks = 0;
                while (node.term() == termBefore && ticks < 2 * ELECTION_TICKS) {
                    node.tick();
                    ticks++;
                }
                assertEquals(termBefore + 1, node.term(), "seed " + seed + ": no election within 2 timeouts");
                assertTrue(ticks >= ELECTION_TICKS && ticks < 2 * ELECTION_TICKS, "seed " + seed + ": " + ticks);
                seen.add(ticks);
                drain(node);
            }
        }
        assertTrue(seen.size() >= ELECTION_TICKS / 2, "timeouts are not spread out: " + seen);
    }

    static Stream<Arguments> electionOutcomes() {
        // group size, peers granting, peers refusing, the candidate's role once those answers are in
        return Stream.of(
                Arguments.of(1, 0, 0, Role.LEADER),
                Arguments.of(3, 1, 0, Role.LEADER),
                Arguments.of(3, 2, 0, Role.LEADER),
                Arguments.of(3, 0, 0, Role.CANDIDATE),
                Arguments.of(3, 0, 2, Role.FOLLOWER),
                Arguments.of(4, 2, 0, Role.LEADER),
                Arguments.of(4, 1, 1, Role.CANDIDATE),
                // With 2 of 4 granted and 2 refused a majority is out of reach: give up at once.
                Arguments.of(4, 1, 2, Role.FOLLOWER),
                Arguments.of(4, 0, 3, Role.FOLLOWER),
                Arguments.of(5, 2, 0, Role.LEADER),
                Arguments.of(5, 1, 0, Role.CANDIDATE),
                Arguments.of(5, 1, 2, Role.CANDIDATE),
                Arguments.of(5, 1, 3, Role.FOLLOWER),
                Arguments.of(5, 0, 3, Role.FOLLOWER));
    }

    /**
     * §5.2: a candidate wins once it has votes from a majority of the full cluster; without them it
     * stays candidate (until its election times out), and it gives up once so many refused that a
     * majority can no longer grant.
     */
    @ParameterizedTest(name = "size {0}, {1} granted, {2} refused -> {3}")
    @MethodSource("electionOutcomes")
    void candidateWinsOnlyWithMajorityOfVotes(int size, int granted, int refused, Role expected) {
        RaftCore node = Cores.core(1, size, PAPER);
        Cores.tickUntilCampaign(node);
        drain(node);
        long term = node.term();
        int peer = 2;
        for (int i = 0; i < granted; i++) {
            node.step(Msg.voteResponse(peer++, 1).term(term).granted());
        }
        for (int i = 0; i < refused; i++) {
            node.step(Msg.voteResponse(peer++, 1).term(term).rejected());
        }

        assertEquals(expected, node.role());
        assertEquals(term, node.term());
    }

    /**
     * §5.2: "each server will vote for at most one candidate in a given term, on a first-come-first-
     * served basis": a server that voted grants only the same candidate again.
     */
    @ParameterizedTest(name = "voted for {0}, asked by {1}: granted={2}")
    @CsvSource({"0, 2, true", "0, 3, true", "2, 2, true", "3, 3, true", "2, 3, false", "3, 2, false"})
    void voterGrantsAtMostOneCandidatePerTerm(int votedFor, int candidate, boolean granted) {
        RaftCore voter = Cores.core(1, 3, new DurableState(new HardState(1, votedFor, 0), null, List.of()), PAPER);

        voter.step(Msg.vote(candidate, 1).build());

        VoteResponse answer = single(ofType(drain(voter), VoteResponse.class));
        assertEquals(granted, answer.granted());
        assertEquals(votedFor == 0 ? candidate : votedFor, voter.votedFor());
        assertEquals(candidate, answer.to());
    }

    /**
     * §5.2: "If the leader's term is at least as large as the candidate's current term, then the
     * candidate recognizes the leader as legitimate and returns to follower state."
     */
    @Test
    void candidateReturnsToFollowerOnAppendFromLeaderOfSameTerm() {
        RaftCore candidate = nodeIn(Role.CANDIDATE);
        long term = candidate.term();

        candidate.step(Msg.append(3, 1).term(term).build());

        assertEquals(Role.FOLLOWER, candidate.role());
        assertEquals(term, candidate.term());
        assertEquals(3, candidate.leader());
        assertEquals(1, candidate.votedFor(), "its own vote in this term stands");
    }

    /**
     * Figure 2: currentTerm and votedFor are persistent state. A voter that restarts still
     * remembers whom it voted for in this term, so it cannot vote twice.
     */
    @Test
    void voteSurvivesRestart() {
        Network n = Network.of(3, PAPER);
        n.isolate(1);
        n.inject(Msg.vote(2, 1).build());
        assertEquals(2, n.core(1).votedFor());

        RaftCore restarted = n.restart(1);
        assertEquals(1, restarted.term());
        assertEquals(2, restarted.votedFor());
        n.inject(Msg.vote(3, 1).build());

        List<VoteResponse> answers = n.sent(VoteResponse.class, 1, 3);
        assertEquals(List.of(false), answers.stream().map(VoteResponse::granted).toList());
    }

    /** §5.2: the first of two candidates in a term to ask gets the vote; the second is refused. */
    @Test
    void firstCandidateToAskGetsTheVote() {
        RaftCore voter = Cores.core(1, 3, PAPER);

        voter.step(Msg.vote(3, 1).build());
        voter.step(Msg.vote(2, 1).build());

        List<VoteResponse> answers = ofType(drain(voter), VoteResponse.class);
        assertEquals(List.of(true, false), answers.stream().map(VoteResponse::granted).toList());
        assertEquals(3, voter.votedFor());
    }

    /**
     * §5.4.1 election restriction: a voter denies its vote to a candidate whose log is less up to
     * date than its own — compared by last term first, then by length.
     */
    @ParameterizedTest(name = "candidate log ends at index {0}, term {1}: granted={2}")
    @CsvSource({"2, 2, false", "3, 1, false", "10, 1, false", "3, 2, true", "4, 2, true", "1, 3, true"})
    void voterRefusesCandidateWithLessUpToDateLog(long lastIndex, long lastTerm, boolean granted) {
        RaftCore voter = Cores.core(1, 3, Cores.log(2, 1, 2, 2), PAPER);

        voter.step(Msg.vote(2, 1).term(3).last(lastIndex, lastTerm).build());

        assertEquals(granted, single(ofType(drain(voter), VoteResponse.class)).granted());
        assertEquals(granted ? 2 : RaftCore.NONE, voter.votedFor());
    }

    // ------------------------------------------------------------------ §5.3 log replication

    /**
     * §8 (and §5.4.2): a new leader appends an entry of its own term at the start of its term and
     * replicates it, so earlier entries get committed without waiting for a client. The group's
     * first leader makes it the bootstrap configuration (so every log records its configuration);
     * later leaders append a blank no-op.
     */
    @Test
    void leaderAppendsAnEntryOfItsTermAtStartOfTerm() {
        Network n = Network.of(3, PAPER);
        RaftCore leader = n.elect(1);

        Entry first = n.node(1).storage.entries.get(0);
        assertEquals(Entry.Kind.CONFIG, first.kind());
        assertEquals(MembershipConfig.ofVoters(List.of(1, 2, 3)), MembershipCodec.decode(first.data()));
        assertEquals(leader.term(), first.term());
        for (int peer : new int[] {2, 3}) {
            List<Entry> carried = n.sent(AppendEntries.class, 1, peer).get(0).entries();
            assertEquals(1, carried.size());
            assertEquals(first, carried.get(0));
        }
        assertEquals(1, leader.commitIndex());

        RaftCore next = n.elect(2);
        Entry second = n.node(2).storage.entries.get(1);
        assertEquals(Entry.Kind.NOOP, second.kind());
        assertEquals(next.term(), second.term());
        assertEquals(2, next.commitIndex());
    }

    /**
     * §5.3: an entry is committed once the leader has replicated it on a majority of servers — not
     * before — and followers learn the commit index from later AppendEntries or heartbeats.
     */
    @Test
    void leaderCommitsEntryOnceReplicatedOnMajority() {
        Network n = Network.of(5, PAPER);
        RaftCore leader = n.elect(1);
        n.isolate(3, 4, 5);

        long index = n.propose(1, "x");

        assertEquals(2, leader.progress(2).match(), "node 2 holds the entry");
        assertEquals(index - 1, leader.commitIndex(), "2 of 5 replicas are not a majority");

        n.heal(3);
        n.tickUntil("entry committed with 3 of 5 replicas", () -> leader.commitIndex() == index, ELECTION_TICKS, 1);
        n.tickUntil("followers learn the commit index",
                () -> n.core(2).commitIndex() == index && n.core(3).commitIndex() == index, ELECTION_TICKS, 1);
        assertEquals(List.of("x"), n.node(2).appliedCommands());
        assertEquals(List.of("x"), n.node(3).appliedCommands());
    }

    /**
     * §5.3: "The leader keeps track of the highest index it knows to be committed, and it includes
     * that index in future AppendEntries RPCs (including heartbeats)". No message is sent just to
     * announce a commit: followers learn it with the next append or heartbeat.
     */
    @Test
    void followersLearnCommitIndexFromNextAppendOrHeartbeat() {
        Network n = Network.of(3, PAPER);
        RaftCore leader = n.elect(1);
        int appendsBefore = n.sent(AppendEntries.class, 1, 2).size();

        long first = n.propose(1, "first");
        assertEquals(first, leader.commitIndex());
        assertEquals(appendsBefore + 1, n.sent(AppendEntries.class, 1, 2).size(), "no extra message for the commit");
        assertEquals(first - 1, n.core(2).commitIndex(), "not yet told");

        long second = n.propose(1, "second");
        assertEquals(first, n.core(2).commitIndex(), "learned with the next append");

        n.tickUntil("heartbeat carries the commit index", () -> n.core(2).commitIndex() == second,
                HEARTBEAT_TICKS, 1);
        assertEquals(List.of("first", "second"), n.node(2).appliedCommands());
    }

    /**
     * Figure 2, AppendEntries receiver rule 2: reply false if the log has no entry at prevLogIndex
     * whose term matches prevLogTerm (§5.3 consistency check).
     */
    @ParameterizedTest(name = "prev ({0}, {1}): rejected={2}")
    @CsvSource({"0, 0, false", "1, 1, false", "2, 2, false", "2, 1, true", "3, 2, true", "3, 3, true"})
    void followerChecksPrevIndexAndTermOfAppend(long prevIndex, long prevTerm, boolean rejected) {
        RaftCore follower = Cores.core(1, 3, Cores.log(2, 1, 2), PAPER);

        follower.step(Msg.append(2, 1).term(2).prev(prevIndex, prevTerm).build());

        AppendResponse answer = single(ofType(drain(follower), AppendResponse.class));
        assertEquals(rejected, answer.rejected());
        if (rejected) {
            assertEquals(prevIndex, answer.index());
        }
        assertEquals(2, follower.lastLogIndex());
    }

    static Stream<Arguments> appends() {
        // follower log [1@1, 2@2]; append after (prevIndex, prevTerm) entries with these terms;
        // the follower's resulting log terms, and the entries it must persist
        return Stream.of(
                Arguments.of(2, 2, new long[] {3}, new long[] {1, 2, 3}, new long[] {3}),
                Arguments.of(1, 1, new long[] {3, 4}, new long[] {1, 3, 4}, new long[] {3, 4}),
                Arguments.of(0, 0, new long[] {1}, new long[] {1, 2}, new long[] {}),
                Arguments.of(0, 0, new long[] {3}, new long[] {3}, new long[] {3}));
    }

    /**
     * Figure 2, AppendEntries receiver rules 3 and 4: an existing entry that conflicts with a new one
     * (same index, different term) is deleted with all that follow it; new entries are appended; an
     * entry already present is left alone (the log is not truncated by a stale, shorter append).
     */
    @ParameterizedTest
    @MethodSource("appends")
    void followerTruncatesConflictingSuffixAndAppends(long prevIndex, long prevTerm, long[] newTerms,
                                                      long[] expectedTerms, long[] persistedTerms) {
        RaftCore follower = Cores.core(1, 3, Cores.log(2, 1, 2), PAPER);

        follower.step(Msg.append(2, 1).term(4).prev(prevIndex, prevTerm).entries(Cores.entries(prevIndex + 1, newTerms))
                .build());

        assertArrayEquals(expectedTerms, logTerms(follower));
        Ready rd = follower.ready();
        assertArrayEquals(persistedTerms, rd.entries().stream().mapToLong(Entry::term).toArray());
        follower.advance(rd);
    }

    /** Figure 2, AppendEntries receiver rule 5: commitIndex = min(leaderCommit, index of last new entry). */
    @Test
    void followerCommitsUpToLeaderCommitButNotPastLastNewEntry() {
        RaftCore follower = Cores.core(1, 3, Cores.log(2, 1, 2, 2), PAPER);

        follower.step(Msg.append(2, 1).term(2).prev(1, 1).entries(Cores.entries(2, 2)).commit(3).build());
        assertEquals(2, follower.commitIndex(), "entry 3 was not covered by this append");

        follower.step(Msg.append(2, 1).term(2).prev(2, 2).entries(Cores.entries(3, 2)).commit(3).build());
        assertEquals(3, follower.commitIndex());

        follower.step(Msg.heartbeat(2, 1, 2, 1));
        assertEquals(3, follower.commitIndex(), "a stale commit index never lowers it");
    }

    /**
     * §5.3: a heartbeat tells a follower the commit index only as far as the leader knows that
     * follower's log matches — a lagging follower is never told to commit entries it lacks.
     */
    @Test
    void heartbeatNeverCarriesCommitBeyondFollowersMatch() {
        Network n = Network.of(3, PAPER);
        RaftCore leader = n.elect(1);
        n.isolate(3);
        for (int i = 0; i < 3; i++) {
            n.propose(1, "x" + i);
        }
        n.tick(HEARTBEAT_TICKS, 1);

        List<Message.Heartbeat> toLaggard = n.sent(Message.Heartbeat.class, 1, 3);
        Message.Heartbeat last = toLaggard.get(toLaggard.size() - 1);
        assertEquals(4, leader.commitIndex());
        assertEquals(leader.progress(3).match(), last.commit());
        assertEquals(4, n.sent(Message.Heartbeat.class, 1, 2).get(0).commit());
    }

    // ------------------------------------------------------------------ §5.4.2, Figure 8

    /**
     * Figure 8 (c): S1, leader of term 4, has replicated its predecessor's entry 2 (term 2) on S1,
     * S2 and S3 — a majority — but not yet its own entry 3. §5.4.2: "Raft never commits log
     * entries from previous terms by counting replicas", so entry 2 is not committed. Figure 8 (d)
     * shows why: S5 can still win term 5 with votes from S2, S3, S4 and overwrite entry 2 everywhere.
     */
    @Test
    void leaderDoesNotCommitOldTermEntryByCountingReplicas() {
        Network n = figure8c();
        RaftCore s1 = n.core(1);

        assertEquals(2, s1.progress(2).match());
        assertEquals(2, s1.progress(3).match());
        assertEquals(2, s1.logTermAt(2));
        assertEquals(1, s1.commitIndex(), () -> "entry 2 (term 2) is on a majority but must not be committed: "
                + n.describe());
        assertEquals(1, n.core(3).commitIndex());

        // Figure 8 (d): S1 crashes; S5 is elected with S2, S3, S4 and replaces entry 2.
        n.recover();
        n.isolate(1);
        n.tickUntil("S5 elected", () -> n.core(5).role() == Role.LEADER, 10 * ELECTION_TICKS, 5);
        for (int id : new int[] {2, 3, 4}) {
            assertEquals(3, n.core(id).logTermAt(2), "S" + id + " now holds S5's entry 2 of term 3");
        }
    }

    /**
     * Figure 8 (e): once S1 replicates an entry of its own term (entry 3, term 4) on a majority, it is
     * committed and so, by the Log Matching Property, is entry 2 before it. S5 can then never be
     * elected: every server of the new majority has a more up-to-date log (§5.4.1).
     */
    @Test
    void oldTermEntryIsCommittedIndirectlyByCurrentTermEntry() {
        Network n = figure8c();
        RaftCore s1 = n.core(1);
        n.recover();
        n.isolate(4, 5);

        n.tickUntil("entry 3 committed", () -> s1.commitIndex() == 3, 2 * ELECTION_TICKS, 1);
        assertEquals(2, s1.logTermAt(2));

        n.isolate(1);
        n.heal(4, 5);
        int[] survivors = {2, 3, 4, 5};
        n.tickUntil("a new leader", () -> n.agreedLeader(survivors) != RaftCore.NONE, 20 * ELECTION_TICKS, survivors);
        int newLeader = n.agreedLeader(survivors);
        assertTrue(newLeader == 2 || newLeader == 3, "only S2 or S3 hold the committed log; leader S" + newLeader);
        for (int id : survivors) {
            assertEquals(2, n.core(id).logTermAt(2), "committed entry 2 survives on S" + id);
            assertEquals(4, n.core(id).logTermAt(3), "committed entry 3 survives on S" + id);
        }
    }

    /**
     * The situation of Figure 8 (c), built from durable logs: after (a) and (b), S1 and S2 hold
     * [1@1, 2@2], S5 holds [1@1, 2@3], S3 and S4 hold [1@1]. S4 and S5 are down; S1 wins term 4
     * with S2 and S3 and replicates entry 2 to them, but its no-op (entry 3) is kept from reaching
     * anyone. One entry per message, so the two entries travel separately.
     */
    private static Network figure8c() {
        Network n = Network.withState(b -> PAPER.apply(b).maxMessageBytes(1),
                Cores.logCommittedTo(1, 3, 1, 2), Cores.logCommittedTo(1, 3, 1, 2), Cores.logCommittedTo(1, 3, 1),
                Cores.logCommittedTo(1, 3, 1), Cores.logCommittedTo(1, 3, 1, 3));
        n.isolate(4, 5);
        n.intercept(m -> m instanceof AppendEntries ae
                ? Msg.append(ae).entries(ae.entries().stream().filter(e -> e.index() < 3).toList()).build()
                : m);
        RaftCore s1 = n.elect(1);
        assertEquals(4, s1.term());
        assertEquals(3, s1.lastLogIndex());
        assertEquals(4, s1.logTermAt(3));
        return n;
    }

    // ------------------------------------------------------------------ applying

    /**
     * §5.3 / Figure 2 ("If commitIndex > lastApplied: increment lastApplied, apply log[lastApplied]")
     * and the State Machine Safety property (§5.4.3): every server applies the same commands in the
     * same order, across a change of leader, and an entry the old leader could not commit is never
     * applied. (The network checks on every Ready that entries are applied once each, in order.)
     */
    @Test
    void committedEntriesAreAppliedInTheSameOrderEverywhere() {
        Network n = Network.of(3, PAPER);
        n.elect(1);
        for (int i = 0; i < 3; i++) {
            n.propose(1, "a" + i);
        }
        n.isolate(1);
        n.propose(1, "lost");
        n.tickUntil("new leader", () -> n.core(2).role() == Role.LEADER || n.core(3).role() == Role.LEADER,
                10 * ELECTION_TICKS, 2, 3);
        int newLeader = n.core(2).role() == Role.LEADER ? 2 : 3;
        for (int i = 0; i < 3; i++) {
            n.propose(newLeader, "b" + i);
        }
        n.heal(1);
        n.tickUntil("all caught up", () -> n.nodes().stream().allMatch(node -> node.applied.size() == 8),
                10 * ELECTION_TICKS);

        List<String> expected = List.of("a0", "a1", "a2", "b0", "b1", "b2");
        for (Network.Node node : n.nodes()) {
            assertEquals(expected, node.appliedCommands(), "node " + node.id);
            assertArrayEquals(LongStream.rangeClosed(1, 8).toArray(),
                    node.applied.stream().mapToLong(Entry::index).toArray(), "node " + node.id);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Node 1 of a 3-node group in the given role, at a term of at least 1. */
    private static RaftCore nodeIn(Role role) {
        RaftCore node = Cores.core(1, 3, PAPER);
        switch (role) {
            case FOLLOWER -> node.step(Msg.append(2, 1).build());
            case CANDIDATE -> Cores.tickUntilCampaign(node);
            case LEADER -> Cores.electAlone(node);
            default -> throw new IllegalArgumentException("not a paper role: " + role);
        }
        drain(node);
        assertEquals(role, node.role());
        return node;
    }

    private static long[] logTerms(RaftCore node) {
        return LongStream.rangeClosed(node.firstLogIndex(), node.lastLogIndex()).map(node::logTermAt).toArray();
    }

}
