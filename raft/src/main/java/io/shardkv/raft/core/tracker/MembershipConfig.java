package io.shardkv.raft.core.tracker;

import io.shardkv.raft.core.quorum.JointConfig;
import io.shardkv.raft.core.quorum.MajorityConfig;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who belongs to a Raft group: the voters — one majority, or two during a joint change — and the
 * learners, which receive the log but never count toward a quorum. A node is a member if it is
 * either. A node that joins an existing group starts from {@link #EMPTY} and learns the group's
 * configuration from the leader's log or snapshot. Immutable.
 *
 * @param voters    whose acknowledgements and votes count
 * @param learners  members that only replicate; disjoint from the voters
 * @param addresses where members can be reached, as given when they were added ({@code host:port});
 *                  opaque to Raft, which only carries them so every replica learns them from the log.
 *                  Members added without one (a group's first voters) are missing.
 */
public record MembershipConfig(JointConfig voters, SortedSet<Integer> learners, SortedMap<Integer, String> addresses) {

    /** No members: what a node joining an existing group knows before the leader reaches it. */
    public static final MembershipConfig EMPTY = new MembershipConfig(JointConfig.of(MajorityConfig.empty()),
            Collections.emptySortedSet());

    /** Longest address kept: a host name and a port, with room to spare. */
    public static final int MAX_ADDRESS_CHARS = 255;

    public MembershipConfig {
        if (voters.incoming().isEmpty() && !learners.isEmpty()) {
            throw new IllegalArgumentException("learners " + learners + " need a group with voters");
        }
        TreeSet<Integer> copy = new TreeSet<>();
        for (Integer id : learners) {
            if (id == null || id < 1) {
                throw new IllegalArgumentException("learner ids must be >= 1, got " + id + " in " + learners);
            }
            if (voters.contains(id)) {
                throw new IllegalArgumentException("node " + id + " cannot be both a voter " + voters
                        + " and a learner " + learners);
            }
            copy.add(id);
        }
        learners = Collections.unmodifiableSortedSet(copy);
        TreeMap<Integer, String> book = new TreeMap<>();
        for (Map.Entry<Integer, String> e : addresses.entrySet()) {
            String address = e.getValue();
            if (e.getKey() == null || !(voters.contains(e.getKey()) || copy.contains(e.getKey()))) {
                throw new IllegalArgumentException("address of " + e.getKey() + ", who is no member of " + voters
                        + " learners " + copy);
            }
            if (address == null || address.isEmpty() || address.length() > MAX_ADDRESS_CHARS) {
                throw new IllegalArgumentException("address of " + e.getKey() + " must be 1-" + MAX_ADDRESS_CHARS
                        + " characters, got " + (address == null ? "none" : address.length()));
            }
            book.put(e.getKey(), address);
        }
        addresses = Collections.unmodifiableSortedMap(book);
    }

    /** A configuration whose members' addresses are not recorded. */
    public MembershipConfig(JointConfig voters, SortedSet<Integer> learners) {
        this(voters, learners, Collections.emptySortedMap());
    }

    /** A group of {@code voters} only, not changing. */
    public static MembershipConfig ofVoters(Collection<Integer> voters) {
        return new MembershipConfig(JointConfig.of(MajorityConfig.of(voters)), Collections.emptySortedSet());
    }

    public boolean isEmpty() {
        return voters.incoming().isEmpty();
    }

    /** Whether a joint change is under way: the outgoing voters still count. */
    public boolean isJoint() {
        return voters.isJoint();
    }

    public boolean isVoter(int id) {
        return voters.contains(id);
    }

    public boolean isLearner(int id) {
        return learners.contains(id);
    }

    public boolean isMember(int id) {
        return isVoter(id) || isLearner(id);
    }

    /** Voters and learners, in id order. */
    public SortedSet<Integer> members() {
        TreeSet<Integer> all = new TreeSet<>(voters.ids());
        all.addAll(learners);
        return Collections.unmodifiableSortedSet(all);
    }

    /** {@code voters=(1 2 3) learners=(4) addresses={4=h:1}}; learners and addresses only when there are some. */
    @Override
    public String toString() {
        return "voters=" + voters + (learners.isEmpty() ? "" : " learners=" + MajorityConfig.of(learners))
                + (addresses.isEmpty() ? "" : " addresses=" + addresses);
    }
}
