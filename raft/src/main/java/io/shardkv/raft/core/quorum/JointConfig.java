package io.shardkv.raft.core.quorum;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Joint consensus (dissertation §4.3): while a configuration changes from {@code outgoing} to
 * {@code incoming}, a quorum is a majority of each. Outside a change {@code outgoing} is empty and
 * this is simply the incoming majority. Immutable.
 */
public final class JointConfig implements QuorumConfig {

    private final MajorityConfig incoming;
    private final MajorityConfig outgoing;
    private final SortedSet<Integer> ids;

    public JointConfig(MajorityConfig incoming, MajorityConfig outgoing) {
        if (incoming.isEmpty() && !outgoing.isEmpty()) {
            throw new IllegalArgumentException("a joint config needs incoming voters, got none beside outgoing "
                    + outgoing);
        }
        this.incoming = incoming;
        this.outgoing = outgoing;
        TreeSet<Integer> all = new TreeSet<>(incoming.ids());
        all.addAll(outgoing.ids());
        this.ids = Collections.unmodifiableSortedSet(all);
    }

    /** A configuration that is not changing: just {@code voters}. */
    public static JointConfig of(MajorityConfig voters) {
        return new JointConfig(voters, MajorityConfig.empty());
    }

    public MajorityConfig incoming() {
        return incoming;
    }

    public MajorityConfig outgoing() {
        return outgoing;
    }

    /** Whether a change is under way (the outgoing majority still counts). */
    public boolean isJoint() {
        return !outgoing.isEmpty();
    }

    @Override
    public SortedSet<Integer> ids() {
        return ids;
    }

    public boolean contains(int id) {
        return ids.contains(id);
    }

    /** Whether {@code id} alone is a quorum: a single voter, not in a joint change. */
    public boolean isSingleton(int id) {
        return !isJoint() && incoming.size() == 1 && incoming.contains(id);
    }

    /** What both majorities have reached: the lower of their committed values. */
    @Override
    public long committedIndex(AckedIndexer acked) {
        return Math.min(incoming.committedIndex(acked), outgoing.committedIndex(acked));
    }

    /** Won only when both majorities won; lost as soon as either lost. */
    @Override
    public VoteResult voteResult(VoteSource votes) {
        VoteResult in = incoming.voteResult(votes);
        VoteResult out = outgoing.voteResult(votes);
        if (in == out) {
            return in;
        }
        if (in == VoteResult.LOST || out == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JointConfig other && incoming.equals(other.incoming) && outgoing.equals(other.outgoing);
    }

    @Override
    public int hashCode() {
        return 31 * incoming.hashCode() + outgoing.hashCode();
    }

    /** {@code (1 2 3)}, or {@code (1 2 3)&&(1 2 4)} during a change. */
    @Override
    public String toString() {
        return isJoint() ? incoming + "&&" + outgoing : incoming.toString();
    }
}
