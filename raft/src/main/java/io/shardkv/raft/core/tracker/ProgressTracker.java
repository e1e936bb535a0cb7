package io.shardkv.raft.core.tracker;

import io.shardkv.raft.core.quorum.JointConfig;
import io.shardkv.raft.core.quorum.VoteResult;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The group's membership and what this node knows of each member: as a leader, each member's
 * {@link Progress}; as a candidate, the votes received. Every decision that needs a quorum — the
 * commit index, the outcome of an election, CheckQuorum, ReadIndex confirmation — is asked here, and
 * answered by the voters' {@link io.shardkv.raft.core.quorum.QuorumConfig}, so a joint
 * configuration changes every one of them at once. A leader tracks itself even while the
 * configuration it replicates leaves it out (dissertation §4.2.2: it keeps managing the group until
 * that configuration commits), but counts itself toward nothing then.
 */
public final class ProgressTracker {

    private MembershipConfig config;
    private final int maxInflight;
    /** Leader only: one entry per member, this node included. */
    private final TreeMap<Integer, Progress> progress = new TreeMap<>();
    /** Candidate only: the first answer of each voter in the current campaign. */
    private final TreeMap<Integer, Boolean> votes = new TreeMap<>();

    public ProgressTracker(MembershipConfig config, int maxInflight) {
        this.config = Objects.requireNonNull(config, "config");
        if (maxInflight < 1) {
            throw new IllegalArgumentException("maxInflight must be >= 1, was " + maxInflight);
        }
        this.maxInflight = maxInflight;
    }

    public MembershipConfig config() {
        return config;
    }

    public JointConfig voters() {
        return config.voters();
    }

    public boolean isVoter(int id) {
        return config.isVoter(id);
    }

    public boolean isMember(int id) {
        return config.isMember(id);
    }

    /**
     * Switches to {@code next}. A leader starts tracking new members from {@code nextIndex}
     * (probing, treated as heard from) and forgets departed ones but itself; votes of nodes that are
     * no longer voters stop counting.
     */
    public void setConfig(MembershipConfig next, int self, long nextIndex) {
        this.config = Objects.requireNonNull(next, "next");
        if (!progress.isEmpty()) {
            progress.keySet().removeIf(id -> id != self && !next.isMember(id));
            for (int id : next.members()) {
                progress.computeIfAbsent(id, k -> {
                    Progress pr = new Progress(0, nextIndex, maxInflight);
                    pr.markRecentActive();
                    return pr;
                });
            }
        }
        votes.keySet().removeIf(id -> !next.isVoter(id));
    }

    // ---------------------------------------------------------------- leader: progress

    /**
     * Starts a term as leader: every member is to be sent entries from {@code next}, and is treated
     * as heard from, so CheckQuorum gives it a full timeout to answer; {@code self} already holds
     * {@code selfMatch}.
     */
    public void resetProgress(int self, long next, long selfMatch) {
        progress.clear();
        progress.put(self, new Progress(selfMatch, next, maxInflight));
        for (int id : config.members()) {
            if (id != self) {
                Progress pr = new Progress(0, next, maxInflight);
                pr.markRecentActive();
                progress.put(id, pr);
            }
        }
    }

    /** Forgets every member's progress (this node stopped leading). */
    public void clearProgress() {
        progress.clear();
    }

    /**
     * The progress of member {@code id} (or of the leader itself), or null if this node does not lead
     * or {@code id} is no member.
     */
    public Progress progress(int id) {
        return progress.get(id);
    }

    /** Every member but {@code self} with its progress, in id order. */
    public void forEachPeer(int self, BiConsumer<Integer, Progress> action) {
        for (Map.Entry<Integer, Progress> e : progress.entrySet()) {
            if (e.getKey() != self) {
                action.accept(e.getKey(), e.getValue());
            }
        }
    }

    /** The highest log index stored on a quorum of voters (Raft §5.3; the caller applies §5.4.2). */
    public long committed() {
        return config.voters().committedIndex(id -> {
            Progress pr = progress.get(id);
            return pr == null ? 0 : pr.match();
        });
    }

    /**
     * CheckQuorum (dissertation §6.2): whether a quorum of voters, {@code self} included, was heard
     * from since the previous call; starts the next round by forgetting who was heard.
     */
    public boolean quorumActive(int self) {
        VoteResult result = config.voters().voteResult(id -> {
            Progress pr = progress.get(id);
            return id == self || (pr != null && pr.recentActive());
        });
        forEachPeer(self, (id, pr) -> pr.clearRecentActive());
        return result == VoteResult.WON;
    }

    /**
     * The newest ReadIndex sequence a quorum of voters confirmed (dissertation §6.4), {@code self}
     * counting as having confirmed {@code selfSeq}.
     */
    public long confirmedReadSeq(int self, long selfSeq) {
        return config.voters().committedIndex(id -> {
            if (id == self) {
                return selfSeq;
            }
            Progress pr = progress.get(id);
            return pr == null ? 0 : pr.readAck();
        });
    }

    // ---------------------------------------------------------------- candidate: votes

    public void resetVotes() {
        votes.clear();
    }

    /** Records {@code id}'s answer; only its first answer in a campaign counts. */
    public void recordVote(int id, boolean granted) {
        if (config.isVoter(id)) {
            votes.putIfAbsent(id, granted);
        }
    }

    /** Whether the votes so far decide the campaign. */
    public VoteResult tallyVotes() {
        return config.voters().voteResult(votes::get);
    }

    @Override
    public String toString() {
        return config + (progress.isEmpty() ? "" : " progress=" + progress);
    }
}
