package io.shardkv.raft.core.confchange;

import io.shardkv.raft.core.confchange.ConfChangeException.Reason;
import io.shardkv.raft.core.quorum.JointConfig;
import io.shardkv.raft.core.quorum.MajorityConfig;
import io.shardkv.raft.core.tracker.MembershipConfig;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes the configuration a change leads to (dissertation ch. 4). A change that adds or
 * removes at most one voter goes straight to the new configuration: any majority of the old and any
 * majority of the new voters then overlap. A change of more voters enters the joint configuration
 * C(old,new), in which every decision needs a majority of both; {@link #leaveJoint} then gives
 * C(new). Learners come and go in either kind without touching a quorum. Demoting a voter to a
 * learner is refused: remove it, then add it back as a learner.
 */
public final class ConfChanger {

    private ConfChanger() {
    }

    /** The configuration {@code change} leads to from {@code current}, which must not be joint. */
    public static MembershipConfig apply(MembershipConfig current, ConfChange change) {
        if (current.isJoint()) {
            throw new ConfChangeException(Reason.IN_PROGRESS, "a joint change to " + current.voters().incoming()
                    + " is still under way; it completes on its own once committed");
        }
        if (current.isEmpty()) {
            throw new ConfChangeException(Reason.INVALID, "this node does not know the group's configuration yet");
        }
        TreeSet<Integer> voters = new TreeSet<>(current.voters().incoming().ids());
        TreeSet<Integer> learners = new TreeSet<>(current.learners());
        TreeMap<Integer, String> addresses = new TreeMap<>(current.addresses());
        for (ConfChange.Op op : change.ops()) {
            int id = op.id();
            if (op.address() != null) {
                addresses.put(id, op.address());
            }
            switch (op.type()) {
                case ADD_VOTER -> {
                    if (voters.contains(id)) {
                        throw invalid(id + " is already a voter of " + current);
                    }
                    learners.remove(id);
                    voters.add(id);
                }
                case ADD_LEARNER -> {
                    if (voters.contains(id)) {
                        throw invalid(id + " is a voter of " + current + "; remove it before adding it as a learner");
                    }
                    if (!learners.add(id)) {
                        throw invalid(id + " is already a learner of " + current);
                    }
                }
                case REMOVE -> {
                    if (!voters.remove(id) && !learners.remove(id)) {
                        throw invalid(id + " is not a member of " + current);
                    }
                }
            }
        }
        if (voters.isEmpty()) {
            throw invalid("the change " + change + " would leave the group without voters");
        }
        MajorityConfig incoming = MajorityConfig.of(voters);
        MajorityConfig outgoing = current.voters().incoming();
        TreeSet<Integer> touched = new TreeSet<>(voters);
        touched.addAll(outgoing.ids());
        touched.removeIf(id -> voters.contains(id) && outgoing.contains(id));
        JointConfig next = touched.size() <= 1 ? JointConfig.of(incoming) : new JointConfig(incoming, outgoing);
        // An outgoing voter keeps its address while the joint configuration lasts.
        addresses.keySet().removeIf(id -> !next.contains(id) && !learners.contains(id));
        return new MembershipConfig(next, learners, addresses);
    }

    /** C(new) from the joint configuration C(old,new): the outgoing voters stop counting. */
    public static MembershipConfig leaveJoint(MembershipConfig joint) {
        if (!joint.isJoint()) {
            throw new IllegalArgumentException("not a joint configuration: " + joint);
        }
        JointConfig next = JointConfig.of(joint.voters().incoming());
        TreeMap<Integer, String> addresses = new TreeMap<>(joint.addresses());
        addresses.keySet().removeIf(id -> !next.contains(id) && !joint.learners().contains(id));
        return new MembershipConfig(next, joint.learners(), addresses);
    }

    private static ConfChangeException invalid(String message) {
        return new ConfChangeException(Reason.INVALID, message);
    }
}
