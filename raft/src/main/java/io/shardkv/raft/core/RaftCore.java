package io.shardkv.raft.core;

import io.shardkv.raft.core.Message.AppendEntries;
import io.shardkv.raft.core.Message.AppendResponse;
import io.shardkv.raft.core.Message.Heartbeat;
import io.shardkv.raft.core.Message.HeartbeatResponse;
import io.shardkv.raft.core.Message.InstallSnapshot;
import io.shardkv.raft.core.Message.SnapshotAck;
import io.shardkv.raft.core.Message.TimeoutNow;
import io.shardkv.raft.core.Message.VoteRequest;
import io.shardkv.raft.core.Message.VoteResponse;
import io.shardkv.raft.core.confchange.ConfChange;
import io.shardkv.raft.core.confchange.ConfChangeException;
import io.shardkv.raft.core.confchange.ConfChanger;
import io.shardkv.raft.core.quorum.JointConfig;
import io.shardkv.raft.core.quorum.MajorityConfig;
import io.shardkv.raft.core.quorum.VoteResult;
import io.shardkv.raft.core.tracker.MembershipConfig;
import io.shardkv.raft.core.tracker.Progress;
import io.shardkv.raft.core.tracker.ProgressTracker;
import io.shardkv.raft.core.tracker.SnapshotTransfer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Raft node as a pure, single-threaded state machine: no I/O, no threads, no clock and no
 * randomness but the injected {@link Random}. Time advances only through {@link #tick()}; input
 * arrives through {@link #step(Message)}, {@link #propose(byte[])}, {@link #readIndex(long)} and
 * {@link #transferLeadership(int)}; everything the caller must do comes out as a {@link Ready},
 * acknowledged with {@link #advance(Ready)}. No input may be given between {@link #ready()} and
 * {@link #advance(Ready)}.
 *
 * <p>Section references are to Ongaro and Ousterhout, "In Search of an Understandable Consensus
 * Algorithm" (§, Figure) and Ongaro's dissertation "Consensus: Bridging Theory and Practice"
 * (dissertation §).
 */
public final class RaftCore {

    /** "No node": no vote cast, no leader known. Node ids are never 0. */
    public static final int NONE = 0;

    /** Returned by {@link #propose(byte[])} when this node cannot accept a proposal. */
    public static final long REJECTED = -1;

    private static final Logger LOG = LoggerFactory.getLogger(RaftCore.class);

    private enum Campaign { PRE_VOTE, ELECTION, TRANSFER }

    private final RaftConfig config;
    private final int id;
    private final Random random;
    private final RaftLog raftLog;
    /** The membership, each member's progress while leading, the votes while campaigning. */
    private final ProgressTracker tracker;

    private long term;
    private int vote;
    private int leader = NONE;
    private Role role = Role.FOLLOWER;

    private int electionElapsed;
    private int heartbeatElapsed;
    /**
     * Counts the leader's periodic heartbeats. Heartbeats also go out for every ReadIndex batch, so
     * their answers can come hundreds of times per interval; resends they trigger (a stalled
     * snapshot window, a probe) happen at most once per round.
     */
    private long heartbeatRound;
    private int randomizedElectionTimeout;

    private int leadTransferee = NONE;
    private final ReadIndexQueue reads = new ReadIndexQueue();
    private final SnapshotReceiver snapshotReceiver;
    /** What the caller must do with the bytes of the snapshot being received, since the last Ready. */
    private final List<SpoolStep> spoolSteps = new ArrayList<>();

    /** New entries wait here to be broadcast once per Ready, so proposals batch into messages. */
    private boolean appendBroadcastPending;
    private boolean readBroadcastPending;

    private List<Message> messagesBeforePersist = new ArrayList<>();
    private List<SnapshotChunk> snapshotChunks = new ArrayList<>();
    private List<Message> messages = new ArrayList<>();
    private List<ReadState> readStates = new ArrayList<>();
    private HardState persistedHardState;
    private SoftState reportedSoftState;
    private Ready outstanding;

    /**
     * A core recovered from {@code durable}; its state machine must already hold the snapshot there.
     * The election timeout is drawn from {@code random}.
     */
    public RaftCore(RaftConfig config, DurableState durable, Random random) {
        this.config = Objects.requireNonNull(config, "config");
        this.snapshotReceiver = new SnapshotReceiver(spoolSteps);
        this.random = Objects.requireNonNull(random, "random");
        this.id = config.id();
        HardState hs = durable.hardState();
        MembershipConfig bootstrap = config.voters().isEmpty() ? MembershipConfig.EMPTY
                : new MembershipConfig(JointConfig.of(MajorityConfig.of(config.voters())), Collections.emptySortedSet(),
                        new TreeMap<>(config.addresses()));
        this.raftLog = new RaftLog(durable.snapshot(), durable.entries(), hs.commit(), bootstrap);
        this.tracker = new ProgressTracker(raftLog.config(), config.maxInflightMessages());
        if (hs.commit() > raftLog.lastIndex()) {
            LOG.warn("node {}: durable commit index {} is beyond the log's last index {}: the disk lost entries it had"
                    + " made durable; a leader will resend them", config.id(), hs.commit(), raftLog.lastIndex());
        }
        this.persistedHardState = hs;
        if (hs.term() < raftLog.lastTerm()) {
            // A crash tore the write that carried both new entries and the hard state of their term:
            // the entries survived, the hard state did not. No vote in that term was ever made
            // durable (nor, therefore, sent), so adopting the term with no vote is safe, and it keeps
            // "no log entry has a term above the current term".
            LOG.warn("node {}: durable term {} is below the last log term {}; adopting it with no vote",
                    id, hs.term(), raftLog.lastTerm());
            hs = new HardState(raftLog.lastTerm(), NONE, hs.commit());
        }
        this.term = hs.term();
        this.vote = hs.vote();
        resetRandomizedElectionTimeout();
        this.reportedSoftState = softState();
    }

    // ---------------------------------------------------------------- observation

    public int id() {
        return id;
    }

    public long term() {
        return term;
    }

    public Role role() {
        return role;
    }

    /** The leader of the current term as far as this node knows, or {@link #NONE}. */
    public int leader() {
        return leader;
    }

    public int votedFor() {
        return vote;
    }

    public long commitIndex() {
        return raftLog.committed();
    }

    public long appliedIndex() {
        return raftLog.applied();
    }

    /**
     * The state machine reopened its own durable state at entry ({@code index}, {@code term}):
     * whether this core, as recovered, agrees that entry is in its log — then applying goes on
     * after it, and the snapshot need not be restored. Called before the first Ready.
     */
    public boolean resumeApplied(long index, long term) {
        boolean resumed = raftLog.resumeAppliedAt(index, term);
        if (resumed) {
            LOG.info("node {} term {}: the state machine resumes at its own durable entry {} (term {}); log=({}, {}]",
                    id, this.term, index, term, raftLog.snapshotIndex(), raftLog.lastIndex());
        } else {
            LOG.info("node {} term {}: the state machine's durable entry {} (term {}) is not in the log ({}, {}] "
                    + "at that term; its state is rebuilt from the snapshot and log", id, this.term, index, term,
                    raftLog.snapshotIndex(), raftLog.lastIndex());
        }
        return resumed;
    }

    public long firstLogIndex() {
        return raftLog.firstIndex();
    }

    public long lastLogIndex() {
        return raftLog.lastIndex();
    }

    public long lastLogTerm() {
        return raftLog.lastTerm();
    }

    /** Term of the entry at {@code index}, or -1 if it is compacted or beyond the end of the log. */
    public long logTermAt(long index) {
        return raftLog.termAt(index);
    }

    /**
     * The latest snapshot this node holds, or null if none — or if one just received from the
     * leader has not been handed back stored yet ({@link #snapshotStored}).
     */
    public Snapshot snapshot() {
        return raftLog.snapshot();
    }

    public SoftState softState() {
        return new SoftState(term, role, leader);
    }

    public HardState hardState() {
        return new HardState(term, vote, raftLog.committed());
    }

    public RaftConfig config() {
        return config;
    }

    /** The configuration this node acts under: the one of the latest configuration entry in its log. */
    public MembershipConfig membership() {
        return tracker.config();
    }

    /** Index of the entry that set {@link #membership()} (or of the snapshot that carried it). */
    public long membershipIndex() {
        return raftLog.configIndex();
    }

    /**
     * As leader, how far each member but this node is behind, in id order (for operators watching a
     * learner catch up); empty on other nodes.
     */
    public List<ReplicationProgress> replicationProgress() {
        List<ReplicationProgress> out = new ArrayList<>();
        if (role != Role.LEADER) {
            return out;
        }
        long last = raftLog.lastIndex();
        tracker.forEachPeer(id, (peer, pr) -> {
            long from = Math.max(pr.match() + 1, raftLog.firstIndex());
            long bytes = pr.match() < raftLog.snapshotIndex() && raftLog.snapshot() != null
                    ? raftLog.snapshot().data().size() : 0;
            for (Entry e : raftLog.slice(from, last, Long.MAX_VALUE)) {
                bytes += e.sizeBytes();
            }
            out.add(new ReplicationProgress(peer, pr.match(), last - pr.match(), bytes));
        });
        return out;
    }

    /** Leader's view of a follower, for tests and diagnostics (null on non-leaders). */
    Progress progress(int peer) {
        return tracker.progress(peer);
    }

    // ---------------------------------------------------------------- inputs

    /** Advances logical time by one tick: drives election timeouts and leader heartbeats. */
    public void tick() {
        checkNoOutstandingReady();
        if (role == Role.LEADER) {
            tickLeader();
        } else {
            tickElection();
        }
    }

    /**
     * Proposes a command. Returns the index it will occupy if committed, or {@link #REJECTED} when
     * this node is not the leader or a leadership transfer is under way. Being proposed promises
     * nothing: the entry may still be lost if leadership changes before it commits.
     */
    public long propose(byte[] data) {
        Objects.requireNonNull(data, "data");
        checkNoOutstandingReady();
        if (role != Role.LEADER || leadTransferee != NONE) {
            return REJECTED;
        }
        long index = raftLog.lastIndex() + 1;
        raftLog.append(Entry.command(index, term, data));
        appendBroadcastPending = true;
        return index;
    }

    /**
     * Proposes a membership change (dissertation ch. 4). Returns the index of the configuration entry,
     * which takes effect on every node as soon as it is in its log; or {@link #REJECTED} when this
     * node is not the leader or a leadership transfer is under way. A change that touches more than
     * one voter enters a joint configuration, which this leader leaves on its own once it commits.
     *
     * @throws ConfChangeException if a change is still in flight, this leader has not yet committed
     *                             an entry of its term (the fix to single-server changes, dissertation
     *                             §4.1 and Ongaro's raft-dev post of 2015), or the change is invalid
     */
    public long proposeConfChange(ConfChange change) {
        Objects.requireNonNull(change, "change");
        checkNoOutstandingReady();
        if (role != Role.LEADER || leadTransferee != NONE) {
            return REJECTED;
        }
        if (raftLog.configIndex() > raftLog.committed()) {
            throw new ConfChangeException(ConfChangeException.Reason.IN_PROGRESS, "the change at index "
                    + raftLog.configIndex() + " to " + tracker.config() + " is not committed yet");
        }
        if (!committedInCurrentTerm()) {
            throw new ConfChangeException(ConfChangeException.Reason.IN_PROGRESS, "leader " + id + " of term " + term
                    + " has not committed an entry of its term yet");
        }
        MembershipConfig next = ConfChanger.apply(tracker.config(), change);
        LOG.info("node {} term {}: proposing {} -> {}", id, term, change, next);
        return appendConfig(next);
    }

    /**
     * Asks for a linearizable read point (dissertation §6.4). Returns false if this node is not the
     * leader. Otherwise a {@link ReadState} carrying {@code context} appears in a later Ready once a
     * quorum has confirmed this node's leadership — unless leadership is lost first, which the
     * caller sees as a change of {@link SoftState}.
     */
    public boolean readIndex(long context) {
        checkNoOutstandingReady();
        if (role != Role.LEADER) {
            return false;
        }
        if (!committedInCurrentTerm()) {
            reads.awaitCommit(context);
        } else {
            enqueueRead(context);
        }
        return true;
    }

    /**
     * Hands leadership to {@code target} (dissertation §3.10): once it holds the whole log it is told
     * to campaign at once; proposals are refused meanwhile. Abandoned after an election timeout.
     * Returns false if this node is not the leader.
     */
    public boolean transferLeadership(int target) {
        checkNoOutstandingReady();
        if (role != Role.LEADER) {
            return false;
        }
        if (!tracker.isVoter(target)) {
            throw new IllegalArgumentException("transfer target " + target + " is not a voter of " + tracker.voters());
        }
        if (target == id) {
            // Transferring to ourselves cancels a transfer under way (etcd's TestLeaderTransferBack).
            leadTransferee = NONE;
            return true;
        }
        if (target == leadTransferee) {
            return true;
        }
        leadTransferee = target;
        electionElapsed = 0;
        LOG.info("node {} term {}: transferring leadership to {}", id, term, target);
        if (tracker.progress(target).match() == raftLog.lastIndex()) {
            sendTimeoutNow(target);
        } else {
            sendAppend(target, true);
        }
        return true;
    }

    /**
     * What a snapshot taken at {@code index} records: that entry's term and the configuration in
     * force there. The index must be applied and still in the log.
     */
    public SnapshotMeta snapshotMeta(long index) {
        if (index > raftLog.applied()) {
            throw new IllegalArgumentException("cannot snapshot at " + index + ": applied only up to "
                    + raftLog.applied());
        }
        if (index <= raftLog.snapshotIndex()) {
            throw new IllegalArgumentException("cannot snapshot at " + index + ": already compacted up to "
                    + raftLog.snapshotIndex());
        }
        MembershipConfig at = raftLog.configAt(index);
        if (at.isEmpty()) {
            throw new IllegalArgumentException("cannot snapshot at " + index + ": this node joined the group and does not"
                    + " know the configuration there (the log before index " + raftLog.configIndex()
                    + " predates the group's first configuration entry); snapshot after it");
        }
        return new SnapshotMeta(index, raftLog.termAt(index), at);
    }

    /**
     * Discards the log up to {@code index}, which the state machine has captured in {@code data}
     * (Raft §7). The caller has already made the snapshot durable.
     */
    public void compact(long index, SnapshotData data) {
        checkNoOutstandingReady();
        compact(new Snapshot(snapshotMeta(index), data));
    }

    /**
     * Discards the log up to the index of {@code snap}, whose meta came from {@link #snapshotMeta}
     * (the state machine image may have been written elsewhere since). The caller has already made
     * it durable.
     */
    public void compact(Snapshot snap) {
        checkNoOutstandingReady();
        SnapshotMeta expected = snapshotMeta(snap.index());
        if (!expected.equals(snap.meta())) {
            throw new IllegalArgumentException("snapshot " + snap.meta() + " does not match the log: " + expected);
        }
        raftLog.compact(snap);
    }

    /** Handles one message from a peer. */
    public void step(Message m) {
        checkNoOutstandingReady();
        if (m.to() != id) {
            throw new IllegalArgumentException("message for node " + m.to() + " delivered to node " + id + ": " + m);
        }
        if (m.from() == id) {
            LOG.debug("node {} term {}: ignoring a message from itself", id, term);
            return;
        }
        if (m.term() > term) {
            if (!acceptHigherTerm(m)) {
                return;
            }
        } else if (m.term() < term) {
            answerLowerTerm(m);
            return;
        }
        if (m instanceof VoteRequest vr) {
            handleVoteRequest(vr);
            return;
        }
        switch (role) {
            case LEADER -> stepLeader(m);
            case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
            case FOLLOWER -> stepFollower(m);
        }
    }

    // ---------------------------------------------------------------- output

    public boolean hasReady() {
        return appendBroadcastPending || readBroadcastPending
                || !messages.isEmpty() || !messagesBeforePersist.isEmpty() || !snapshotChunks.isEmpty()
                || !spoolSteps.isEmpty() || !readStates.isEmpty()
                || raftLog.hasUnstableEntries() || raftLog.unstableSnapshot() != null
                || raftLog.hasEntriesToApply()
                || hardStateChanged() || !softState().equals(reportedSoftState);
    }

    /** Collects what the caller must do. Must be followed by {@link #advance(Ready)} before any input. */
    public Ready ready() {
        checkNoOutstandingReady();
        flushBroadcasts();
        SoftState soft = softState();
        SoftState softChange = soft.equals(reportedSoftState) ? null : soft;
        if (softChange != null) {
            LOG.info("node {} term {}: {} (leader {})", id, term, role, leader);
        }
        reportedSoftState = soft;
        HardState hard = hardState();
        HardState hardChange = hard.equals(persistedHardState) ? null : hard;
        List<Message> early = messagesBeforePersist;
        List<Message> late = messages;
        if (hardChange != null && (hard.term() != persistedHardState.term() || hard.vote() != persistedHardState.vote())) {
            // A term or vote change must be durable before anything leaves this node.
            late = new ArrayList<>(early);
            late.addAll(messages);
            early = List.of();
            if (!snapshotChunks.isEmpty()) {
                // Chunks are queued only by a leader, and stepping down drops them (reset).
                throw new IllegalStateException("node " + id + ": snapshot chunks in a Ready that changes term or vote");
            }
        }
        Ready rd = new Ready(
                softChange,
                hardChange,
                raftLog.hasUnstableEntries() ? raftLog.unstableEntries() : List.of(),
                raftLog.unstableSnapshot(),
                List.copyOf(spoolSteps),
                List.copyOf(early),
                List.copyOf(snapshotChunks),
                List.copyOf(late),
                raftLog.hasEntriesToApply() ? raftLog.entriesToApply(config.maxApplyBytesPerReady()) : List.of(),
                List.copyOf(readStates));
        spoolSteps.clear();
        messagesBeforePersist = new ArrayList<>();
        snapshotChunks = new ArrayList<>();
        messages = new ArrayList<>();
        readStates = new ArrayList<>();
        outstanding = rd;
        return rd;
    }

    /** Acknowledges that {@code rd} was handled as {@link Ready} describes. */
    public void advance(Ready rd) {
        if (rd != outstanding) {
            throw new IllegalStateException("advance() must be given the Ready last returned by ready()");
        }
        outstanding = null;
        if (rd.snapshot() != null) {
            raftLog.snapshotStable();
            raftLog.appliedTo(rd.snapshot().index());
        }
        if (!rd.entries().isEmpty()) {
            Entry last = rd.entries().get(rd.entries().size() - 1);
            raftLog.stableTo(last.index(), last.term());
        }
        if (rd.hardState() != null) {
            persistedHardState = rd.hardState();
        }
        if (!rd.committedEntries().isEmpty()) {
            raftLog.appliedTo(rd.committedEntries().get(rd.committedEntries().size() - 1).index());
        }
        if (role == Role.LEADER && tracker.progress(id).maybeUpdate(raftLog.stableIndex())) {
            // The leader's own entries count toward a quorum only once they are durable here.
            maybeCommit();
        }
    }

    /**
     * The caller stored the snapshot of an advanced Ready as {@code stored} (same meta, its bytes
     * where the caller spooled them): the core sends that image to followers from now on. Required
     * right after {@code advance} of a Ready with a snapshot, before any other input.
     */
    public void snapshotStored(Snapshot stored) {
        if (outstanding != null) {
            throw new IllegalStateException("node " + id + ": snapshotStored() before advance()");
        }
        raftLog.snapshotStored(stored);
    }

    private void checkNoOutstandingReady() {
        if (outstanding != null) {
            throw new IllegalStateException("node " + id + ": input given between ready() and advance()");
        }
        if (raftLog.awaitingStoredSnapshot()) {
            throw new IllegalStateException("node " + id + ": input given before the persisted snapshot was handed "
                    + "back with snapshotStored()");
        }
    }

    private boolean hardStateChanged() {
        return persistedHardState.term() != term || persistedHardState.vote() != vote
                || persistedHardState.commit() != raftLog.committed();
    }

    private void flushBroadcasts() {
        if (role != Role.LEADER) {
            appendBroadcastPending = false;
            readBroadcastPending = false;
            return;
        }
        if (appendBroadcastPending) {
            appendBroadcastPending = false;
            tracker.forEachPeer(id, (peer, pr) -> sendAppends(peer));
        }
        if (readBroadcastPending) {
            readBroadcastPending = false;
            broadcastHeartbeat();
        }
    }

    // ---------------------------------------------------------------- roles and terms

    private void tickElection() {
        electionElapsed++;
        if (promotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            campaign(config.preVote() ? Campaign.PRE_VOTE : Campaign.ELECTION);
        }
    }

    private void tickLeader() {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= config.electionTicks()) {
            electionElapsed = 0;
            if (config.checkQuorum() && !tracker.quorumActive(id)) {
                // dissertation §6.2: a leader that cannot reach a quorum steps down, so clients
                // stuck with it fail over instead of waiting forever.
                LOG.warn("node {} term {}: stepping down, no quorum heard within an election timeout", id, term);
                becomeFollower(term, NONE);
                return;
            }
            if (leadTransferee != NONE) {
                LOG.info("node {} term {}: leadership transfer to {} timed out", id, term, leadTransferee);
                leadTransferee = NONE;
            }
        }
        if (heartbeatElapsed >= config.heartbeatTicks()) {
            heartbeatElapsed = 0;
            heartbeatRound++;
            retransmitStalledReplication();
            broadcastHeartbeat();
        }
    }

    private boolean promotable() {
        return tracker.isVoter(id);
    }

    private void resetRandomizedElectionTimeout() {
        randomizedElectionTimeout = config.electionTicks() + random.nextInt(config.electionTicks());
    }

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            vote = NONE;
        }
        leader = NONE;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        resetRandomizedElectionTimeout();
        leadTransferee = NONE;
        tracker.resetVotes();
        tracker.clearProgress();
        reads.clear();
        appendBroadcastPending = false;
        readBroadcastPending = false;
        // Chunks of a term this node no longer leads would only be refused as stale.
        snapshotChunks.clear();
    }

    private void becomeFollower(long newTerm, int newLeader) {
        reset(newTerm);
        role = Role.FOLLOWER;
        leader = newLeader;
    }

    private void becomePreCandidate() {
        // PreVote leaves term and vote alone: only a real election may change them.
        tracker.resetVotes();
        tracker.clearProgress();
        reads.clear();
        leader = NONE;
        role = Role.PRE_CANDIDATE;
        resetRandomizedElectionTimeout();
    }

    private void becomeCandidate() {
        reset(term + 1);
        vote = id;
        role = Role.CANDIDATE;
    }

    private void becomeLeader() {
        reset(term);
        role = Role.LEADER;
        leader = id;
        long next = raftLog.lastIndex() + 1;
        tracker.resetProgress(id, next, raftLog.stableIndex());
        // §8 / Figure 8: a leader commits entries of earlier terms only by committing one of its own.
        // The first leader of a group records the bootstrap configuration with it, so that every
        // configuration a log runs under is in the log or a snapshot: a node that joins later and
        // replays the log from its start knows the configuration at every index it may snapshot.
        raftLog.append(raftLog.configIndex() == 0 ? Entry.config(next, term, tracker.config()) : Entry.noop(next, term));
        appendBroadcastPending = true;
        LOG.info("node {} became leader at term {} (last index {})", id, term, raftLog.lastIndex());
    }

    private void campaign(Campaign kind) {
        long voteTerm;
        if (kind == Campaign.PRE_VOTE) {
            becomePreCandidate();
            voteTerm = term + 1;
        } else {
            becomeCandidate();
            voteTerm = term;
        }
        tracker.recordVote(id, true);
        if (tallyVotes()) {
            return;
        }
        for (int peer : tracker.voters().ids()) {
            if (peer != id) {
                send(new VoteRequest(id, peer, voteTerm, raftLog.lastIndex(), raftLog.lastTerm(),
                        kind == Campaign.PRE_VOTE, kind == Campaign.TRANSFER));
            }
        }
    }

    /** Acts on the votes so far; returns true if the campaign is decided. */
    private boolean tallyVotes() {
        VoteResult result = tracker.tallyVotes();
        if (result == VoteResult.WON) {
            if (role == Role.PRE_CANDIDATE) {
                campaign(Campaign.ELECTION);
            } else {
                becomeLeader();
            }
        } else if (result == VoteResult.LOST) {
            becomeFollower(term, NONE);
        }
        return result != VoteResult.PENDING;
    }

    /**
     * Figure 2: on seeing a higher term, adopt it and become a follower. Returns false if the
     * message must be dropped instead.
     */
    private boolean acceptHigherTerm(Message m) {
        if (m instanceof VoteRequest vr) {
            boolean inLease = config.checkQuorum() && leader != NONE && electionElapsed < config.electionTicks();
            if (inLease && !vr.transfer()) {
                // dissertation §4.2.3: a node that heard from a leader within the minimum election
                // timeout ignores vote requests, so a disruptive node cannot depose a healthy leader.
                LOG.debug("node {} term {}: ignoring vote request from {} at term {} within lease",
                        id, term, vr.from(), vr.term());
                return false;
            }
            if (vr.preVote()) {
                return true;
            }
        }
        if (m instanceof VoteResponse resp && resp.preVote() && resp.granted()) {
            // A granted PreVote echoes the term we would campaign in; we move to it only by campaigning.
            return true;
        }
        boolean fromLeader = m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshot;
        becomeFollower(m.term(), fromLeader ? m.from() : NONE);
        return true;
    }

    private void answerLowerTerm(Message m) {
        if ((config.checkQuorum() || config.preVote()) && (m instanceof AppendEntries || m instanceof Heartbeat)) {
            // A stale leader that we will never answer normally would keep its role forever under
            // CheckQuorum/PreVote; telling it our term makes it step down.
            // Sent as a rejection of index 0, which no leader can mistake for an acknowledgement
            // should it arrive after its sender became leader of this very term.
            send(new AppendResponse(id, m.from(), term, true, 0, 0, 0));
        } else if (m instanceof VoteRequest vr && vr.preVote()) {
            send(new VoteResponse(id, m.from(), term, true, false));
        }
    }

    private void handleVoteRequest(VoteRequest vr) {
        boolean canVote = vote == vr.from()
                || (vote == NONE && leader == NONE)
                || (vr.preVote() && vr.term() > term);
        // §5.4.1 election restriction: only a candidate whose log is at least as up to date as ours.
        if (canVote && raftLog.isUpToDate(vr.lastIndex(), vr.lastTerm())) {
            send(new VoteResponse(id, vr.from(), vr.preVote() ? vr.term() : term, vr.preVote(), true));
            if (!vr.preVote()) {
                electionElapsed = 0;
                vote = vr.from();
            }
        } else {
            send(new VoteResponse(id, vr.from(), term, vr.preVote(), false));
        }
    }

    private void stepCandidate(Message m) {
        if (m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshot) {
            // §5.2: a candidate that hears from a leader of its term returns to follower.
            becomeFollower(m.term(), m.from());
            stepFollower(m);
        } else if (m instanceof VoteResponse resp) {
            if (resp.preVote() != (role == Role.PRE_CANDIDATE)) {
                return;
            }
            tracker.recordVote(resp.from(), resp.granted());
            tallyVotes();
        }
    }

    private void stepFollower(Message m) {
        if (m instanceof AppendEntries ae) {
            heardFromLeader(ae.from());
            handleAppendEntries(ae);
        } else if (m instanceof Heartbeat hb) {
            heardFromLeader(hb.from());
            handleHeartbeat(hb);
        } else if (m instanceof InstallSnapshot is) {
            heardFromLeader(is.from());
            handleInstallSnapshot(is);
        } else if (m instanceof TimeoutNow && promotable()) {
            LOG.info("node {} term {}: campaigning at once on leadership transfer from {}", id, term, m.from());
            campaign(Campaign.TRANSFER);
        }
    }

    private void heardFromLeader(int from) {
        electionElapsed = 0;
        leader = from;
    }

    // ---------------------------------------------------------------- follower side of replication

    private void handleAppendEntries(AppendEntries ae) {
        if (ae.prevIndex() < raftLog.committed()) {
            send(AppendResponse.accept(id, ae.from(), term, raftLog.committed()));
            return;
        }
        long lastNew = raftLog.maybeAppend(ae.prevIndex(), ae.prevTerm(), ae.commit(), ae.entries());
        syncConfig();
        if (lastNew >= 0) {
            send(AppendResponse.accept(id, ae.from(), term, lastNew));
            return;
        }
        // §5.3 fast backtracking: point the leader at our last entry that could still match, so
        // it skips a whole conflicting term per round trip.
        long hintIndex = raftLog.findConflictByTerm(Math.min(ae.prevIndex(), raftLog.lastIndex()), ae.prevTerm());
        send(new AppendResponse(id, ae.from(), term, true, ae.prevIndex(), hintIndex, raftLog.termAt(hintIndex)));
    }

    private void handleHeartbeat(Heartbeat hb) {
        long last = raftLog.lastIndex();
        if (hb.commit() > last) {
            // A leader sends at most what we acknowledged; more than our log holds means we lost
            // entries since (a disk that dropped synced writes). The part we hold still matches the
            // leader's; a rejection at the commit index makes the leader probe and resend the rest,
            // even when it has nothing new to send.
            raftLog.commitTo(last);
            send(new AppendResponse(id, hb.from(), term, true, hb.commit(), last, raftLog.termAt(last)));
        } else {
            raftLog.commitTo(hb.commit());
        }
        send(new HeartbeatResponse(id, hb.from(), term, hb.readSeq()));
    }

    private void handleInstallSnapshot(InstallSnapshot is) {
        SnapshotMeta meta = is.meta();
        if (meta.index() <= raftLog.committed()) {
            snapshotReceiver.reset();
            send(AppendResponse.accept(id, is.from(), term, raftLog.committed()));
            return;
        }
        if (is.offset() == 0) {
            if (is.totalBytes() < 0 || is.totalBytes() > config.maxSnapshotBytes()) {
                LOG.error("node {} term {}: refusing snapshot of {} bytes from {} (limit {})",
                        id, term, is.totalBytes(), is.from(), config.maxSnapshotBytes());
                snapshotReceiver.reset();
                return;
            }
            snapshotReceiver.start(meta, is.totalBytes());
        }
        if (!snapshotReceiver.accepts(meta, is.offset(), is.totalBytes(), is.data().length)) {
            send(new SnapshotAck(id, is.from(), term, meta.index(), snapshotReceiver.nextOffset(meta), true));
            return;
        }
        snapshotReceiver.append(is.data());
        if (!is.done()) {
            send(new SnapshotAck(id, is.from(), term, meta.index(), snapshotReceiver.nextOffset(meta), false));
            return;
        }
        if (!snapshotReceiver.complete()) {
            LOG.warn("node {} term {}: snapshot {} from {} ended short of its declared size", id, term, meta.index(),
                    is.from());
            snapshotReceiver.reset();
            return;
        }
        if (raftLog.matchTerm(meta.index(), meta.term())) {
            // Raft §7: our log already holds the snapshot's last entry; keep the entries after it.
            snapshotReceiver.reset();
            raftLog.commitTo(meta.index());
            send(AppendResponse.accept(id, is.from(), term, raftLog.committed()));
            return;
        }
        SnapshotMeta snap = snapshotReceiver.finish();
        raftLog.restore(snap);
        syncConfig();
        LOG.info("node {} term {}: installed snapshot at {} (term {}) from {}", id, term, snap.index(), snap.term(),
                is.from());
        send(AppendResponse.accept(id, is.from(), term, raftLog.lastIndex()));
    }

    // ---------------------------------------------------------------- leader side of replication

    private void stepLeader(Message m) {
        if (tracker.progress(m.from()) == null) {
            // A node this leader's configuration does not hold: removed, or not yet added.
            LOG.debug("node {} term {}: ignoring {} from non-member {}", id, term, m.getClass().getSimpleName(),
                    m.from());
            return;
        }
        if (m instanceof AppendResponse ar) {
            handleAppendResponse(ar);
        } else if (m instanceof HeartbeatResponse hr) {
            handleHeartbeatResponse(hr);
        } else if (m instanceof SnapshotAck sa) {
            handleSnapshotAck(sa);
        } else if (m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshot) {
            throw new IllegalStateException("node " + id + " is leader of term " + term
                    + " but received leader traffic of the same term from " + m.from() + ": " + m);
        }
    }

    private void handleAppendResponse(AppendResponse ar) {
        Progress pr = tracker.progress(ar.from());
        pr.markRecentActive();
        if (ar.rejected()) {
            long probeHint = ar.hintIndex();
            if (ar.hintTerm() > 0) {
                probeHint = raftLog.findConflictByTerm(ar.hintIndex(), ar.hintTerm());
            }
            if (ar.index() <= pr.match() && pr.state() == Progress.State.PROBE && pr.next() - 1 == ar.index()) {
                LOG.warn("node {} term {}: follower {} no longer has entry {} it acknowledged (its disk lost entries);"
                        + " resending from index {}", id, term, ar.from(), ar.index(), Math.max(0, Math.min(probeHint, ar.index() - 1)) + 1);
            }
            if (pr.maybeDecrTo(ar.index(), probeHint)) {
                if (pr.state() == Progress.State.REPLICATE) {
                    pr.becomeProbe();
                }
                sendAppend(ar.from(), true);
            }
            return;
        }
        boolean updated = pr.maybeUpdate(ar.index());
        boolean stateChanged = false;
        switch (pr.state()) {
            case PROBE -> {
                // An answer to a probe, even one that only confirms the known match, shows where
                // the follower stands: stream to it from there.
                if (updated || pr.match() == ar.index()) {
                    pr.becomeReplicate();
                    stateChanged = true;
                }
            }
            case SNAPSHOT -> {
                if (pr.match() + 1 >= raftLog.firstIndex()) {
                    pr.becomeProbe();
                    pr.becomeReplicate();
                    stateChanged = true;
                } else if (pr.match() >= pr.transfer().index()) {
                    // It installed the snapshot we sent, but we have compacted past it since: probe,
                    // which starts a transfer of the newer snapshot.
                    pr.becomeProbe();
                    stateChanged = true;
                }
            }
        }
        if (!updated && !stateChanged) {
            return;
        }
        maybeCommit();
        if (role != Role.LEADER || tracker.progress(ar.from()) == null) {
            // Committing stepped this leader down, or left a configuration without the sender.
            return;
        }
        sendAppends(ar.from());
        if (ar.from() == leadTransferee && pr.match() == raftLog.lastIndex()) {
            sendTimeoutNow(ar.from());
        }
    }

    private void handleHeartbeatResponse(HeartbeatResponse hr) {
        Progress pr = tracker.progress(hr.from());
        pr.markRecentActive();
        boolean newRound = pr.firstAnswerInRound(heartbeatRound);
        if (pr.state() == Progress.State.SNAPSHOT) {
            if (newRound) {
                resumeStalledSnapshot(hr.from(), pr);
            }
        } else if (pr.state() == Progress.State.PROBE && pr.match() < raftLog.lastIndex()) {
            if (newRound) {
                pr.unpauseProbe();
                sendAppend(hr.from(), true);
            }
        } else {
            sendAppends(hr.from());
        }
        if (pr.ackRead(hr.readSeq())) {
            releaseConfirmedReads();
        }
    }

    /**
     * In REPLICATE mode a lost AppendEntries leaves a gap that only a later message would reveal;
     * if a follower acknowledged nothing over a whole heartbeat interval while entries were
     * outstanding, resend from what it is known to hold.
     */
    private void retransmitStalledReplication() {
        tracker.forEachPeer(id, (peer, pr) -> {
            if (pr.state() == Progress.State.REPLICATE && pr.replicationStalled()) {
                pr.becomeProbe();
                sendAppend(peer, true);
            }
        });
    }

    private void sendAppends(int to) {
        while (sendAppend(to, false)) {
            // keep filling the pipeline until the window or the log runs out
        }
    }

    /**
     * Sends the follower what it needs next: entries after {@code next - 1}, or the snapshot if they
     * are compacted. Returns true if a message was sent.
     */
    private boolean sendAppend(int to, boolean sendIfEmpty) {
        Progress pr = tracker.progress(to);
        if (pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next() - 1;
        if (prevIndex > raftLog.lastIndex()) {
            throw new IllegalStateException("progress of " + to + " runs ahead of the log: " + pr + ", last index "
                    + raftLog.lastIndex());
        }
        long prevTerm = raftLog.termAt(prevIndex);
        if (prevTerm == RaftLog.UNKNOWN_TERM) {
            startSnapshot(to, pr);
            return false;
        }
        List<Entry> entries = raftLog.slice(pr.next(), raftLog.lastIndex(), config.maxMessageBytes());
        if (entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        AppendEntries ae = new AppendEntries(id, to, term, prevIndex, prevTerm, entries, raftLog.committed());
        send(ae);
        pr.sentEntries(ae.lastIndex(), entries.size());
        return true;
    }

    private void startSnapshot(int to, Progress pr) {
        Snapshot snap = raftLog.snapshot();
        LOG.info("node {} term {}: follower {} needs index {}, compacted; sending snapshot at {} ({} bytes)",
                id, term, to, pr.next(), snap.index(), snap.data().size());
        pr.becomeSnapshot(snap);
        sendSnapshotChunks(to, pr);
    }

    private void sendSnapshotChunks(int to, Progress pr) {
        SnapshotTransfer transfer = pr.transfer();
        Snapshot snap = transfer.snapshot();
        long window = (long) config.snapshotChunkBytes() * config.maxInflightSnapshotChunks();
        SnapshotTransfer.Chunk chunk;
        while ((chunk = transfer.nextChunk(config.snapshotChunkBytes(), window)) != null) {
            // The caller reads the bytes: the core never touches a snapshot's storage.
            snapshotChunks.add(new SnapshotChunk(id, to, term, snap, chunk.offset(), chunk.length(), chunk.last()));
        }
    }

    private void handleSnapshotAck(SnapshotAck sa) {
        Progress pr = tracker.progress(sa.from());
        pr.markRecentActive();
        if (pr.state() != Progress.State.SNAPSHOT || sa.snapshotIndex() != pr.transfer().index()) {
            return;
        }
        if (sa.outOfOrder()) {
            pr.transfer().requestRewind(sa.nextOffset());
        } else if (pr.transfer().acknowledge(sa.nextOffset())) {
            sendSnapshotChunks(sa.from(), pr);
        }
    }

    /** A heartbeat answer during a transfer: if no chunk was acknowledged since the last one, resend. */
    private void resumeStalledSnapshot(int to, Progress pr) {
        SnapshotTransfer transfer = pr.transfer();
        if (!transfer.stalled()) {
            return;
        }
        if (transfer.acked() == 0 && raftLog.snapshot().index() > transfer.index()) {
            // Nothing of the old image arrived; the newer one is as cheap to send and more useful.
            pr.becomeSnapshot(raftLog.snapshot());
        } else {
            transfer.rewind();
        }
        sendSnapshotChunks(to, pr);
    }

    private void sendTimeoutNow(int to) {
        LOG.info("node {} term {}: {} is up to date, telling it to campaign", id, term, to);
        send(new TimeoutNow(id, to, term));
    }

    private void broadcastHeartbeat() {
        long readSeq = reads.hasPending() ? reads.lastSeq() : 0;
        tracker.forEachPeer(id, (peer, pr) ->
                send(new Heartbeat(id, peer, term, Math.min(pr.match(), raftLog.committed()), readSeq)));
    }

    /**
     * Advances the commit index to the highest index stored on a quorum — but only if that entry
     * is from the current term (§5.4.2, Figure 8): counting replicas of an older term's entry does
     * not make it safe.
     */
    private void maybeCommit() {
        long candidate = tracker.committed();
        if (candidate <= raftLog.committed() || raftLog.termAt(candidate) != term) {
            return;
        }
        boolean firstInTerm = !committedInCurrentTerm();
        raftLog.commitTo(candidate);
        if (firstInTerm) {
            for (long context : reads.drainAwaitingCommit()) {
                enqueueRead(context);
            }
        }
        if (raftLog.configIndex() <= raftLog.committed()) {
            configCommitted();
        }
    }

    /**
     * The leader's configuration is committed: a joint one is left at once (C(new) is appended, as
     * etcd's auto-leave does); one that no longer has this leader as a voter makes it step down,
     * handing leadership to a voter that holds its whole log (dissertation §4.2.2).
     */
    private void configCommitted() {
        MembershipConfig current = tracker.config();
        if (current.isJoint()) {
            MembershipConfig next = ConfChanger.leaveJoint(current);
            LOG.info("node {} term {}: joint configuration committed, leaving it for {}", id, term, next);
            appendConfig(next);
            return;
        }
        if (!current.isVoter(id)) {
            int successor = mostCaughtUpVoter();
            LOG.info("node {} term {}: stepping down, the committed configuration {} has no place for this leader{}",
                    id, term, current, successor != NONE ? "; handing leadership to " + successor : "");
            if (successor != NONE) {
                sendTimeoutNow(successor);
            }
            becomeFollower(term, NONE);
        }
    }

    /** The voter that holds this leader's whole log, if any. */
    private int mostCaughtUpVoter() {
        for (int voter : tracker.voters().ids()) {
            Progress pr = tracker.progress(voter);
            if (voter != id && pr != null && pr.match() == raftLog.lastIndex()) {
                return voter;
            }
        }
        return NONE;
    }

    private long appendConfig(MembershipConfig next) {
        long index = raftLog.lastIndex() + 1;
        raftLog.append(Entry.config(index, term, next));
        appendBroadcastPending = true;
        syncConfig();
        return index;
    }

    /** Acts under the configuration of the latest entry of the log, if it changed. */
    private void syncConfig() {
        MembershipConfig next = raftLog.config();
        MembershipConfig previous = tracker.config();
        if (next == previous) {
            return;
        }
        tracker.setConfig(next, id, raftLog.configIndex());
        if (previous.isMember(id) && !next.isMember(id)) {
            LOG.warn("node {} term {}: removed from the group by the configuration at index {} ({})", id, term,
                    raftLog.configIndex(), next);
        } else if (!previous.isMember(id) && next.isMember(id)) {
            LOG.info("node {} term {}: joined the group as {} ({})", id, term, next.isVoter(id) ? "voter" : "learner",
                    next);
        }
        if (leadTransferee != NONE && !next.isVoter(leadTransferee)) {
            LOG.info("node {} term {}: abandoning transfer to {}, no longer a voter", id, term, leadTransferee);
            leadTransferee = NONE;
        }
        if (role == Role.LEADER) {
            appendBroadcastPending = true;
        }
    }

    private boolean committedInCurrentTerm() {
        return raftLog.termAt(raftLog.committed()) == term;
    }

    private void enqueueRead(long context) {
        reads.add(context, raftLog.committed());
        if (tracker.voters().isSingleton(id)) {
            releaseConfirmedReads();
        } else {
            readBroadcastPending = true;
        }
    }

    private void releaseConfirmedReads() {
        reads.release(tracker.confirmedReadSeq(id, reads.lastSeq()), readStates);
    }

    private void send(Message m) {
        boolean replicationTraffic = role == Role.LEADER
                && (m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshot);
        (replicationTraffic ? messagesBeforePersist : messages).add(m);
    }

    @Override
    public String toString() {
        return "RaftCore{id=" + id + ", term=" + term + ", " + role + ", leader=" + leader + ", commit="
                + raftLog.committed() + ", applied=" + raftLog.applied() + ", log=(" + raftLog.snapshotIndex() + ", "
                + raftLog.lastIndex() + "]" + (leadTransferee != NONE ? ", transferring to " + leadTransferee : "")
                + (role == Role.LEADER ? ", " + tracker : "") + "}";
    }
}
