package io.shardkv.raft.core.confchange;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A request to change a group's membership: one or more operations, each on a distinct node,
 * applied together. A change that touches at most one voter takes effect in one step; one that
 * touches more goes through a joint configuration (see {@link ConfChanger}). Immutable.
 *
 * @param ops what to do, at least one, each node at most once
 */
public record ConfChange(List<Op> ops) {

    /** What happens to one node. */
    public enum Type {
        /** Make the node a voter: a new member, or a learner promoted. */
        ADD_VOTER,
        /** Make a new node a learner: it receives the log and counts toward nothing. */
        ADD_LEARNER,
        /** Take the node out of the group, voter or learner. */
        REMOVE
    }

    /**
     * One operation on node {@code id}; an add may say where the node is reached ({@code address},
     * recorded in the configuration), or leave it null.
     */
    public record Op(Type type, int id, String address) {
        public Op {
            if (type == null) {
                throw new IllegalArgumentException("a membership operation needs a type");
            }
            if (id < 1) {
                throw new IllegalArgumentException("node ids are >= 1, got " + id);
            }
            if (address != null && type == Type.REMOVE) {
                throw new IllegalArgumentException("a removal takes no address");
            }
        }

        public Op(Type type, int id) {
            this(type, id, null);
        }

        @Override
        public String toString() {
            return type.name().toLowerCase().replace('_', '-') + " " + id + (address == null ? "" : " at " + address);
        }
    }

    public ConfChange {
        ops = List.copyOf(ops);
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("a membership change needs at least one operation");
        }
        Set<Integer> seen = new HashSet<>();
        for (Op op : ops) {
            if (!seen.add(op.id())) {
                throw new IllegalArgumentException("node " + op.id() + " appears twice in one change " + ops);
            }
        }
    }

    public static ConfChange of(Op... ops) {
        return new ConfChange(List.of(ops));
    }

    public static ConfChange addVoter(int id) {
        return of(new Op(Type.ADD_VOTER, id));
    }

    public static ConfChange addLearner(int id) {
        return of(new Op(Type.ADD_LEARNER, id));
    }

    public static ConfChange remove(int id) {
        return of(new Op(Type.REMOVE, id));
    }

    /** Replaces voter {@code old} by {@code fresh} in one (joint) change. */
    public static ConfChange replace(int old, int fresh) {
        List<Op> ops = new ArrayList<>();
        ops.add(new Op(Type.ADD_VOTER, fresh));
        ops.add(new Op(Type.REMOVE, old));
        return new ConfChange(ops);
    }

    @Override
    public String toString() {
        return ops.toString();
    }
}
