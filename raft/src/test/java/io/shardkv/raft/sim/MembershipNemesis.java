package io.shardkv.raft.sim;

import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.core.confchange.ConfChange;
import io.shardkv.raft.core.confchange.ConfChangeException;
import io.shardkv.raft.core.tracker.MembershipConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;

/**
 * Membership changes among the faults: every 0.2–1.7 s of virtual time the leader is asked (now
 * and then twice in a row, the second time while the first is in flight) to add
 * a learner, promote one, remove a voter (the leader too) or a learner, replace a voter by a new
 * node in one joint change, grow by two voters or shrink by two, keeping between three and seven
 * voters. New members start from an empty disk. A node whose removal has committed is destroyed,
 * disk and all, after up to 1.5 s — until then it runs on, unaware, as a real removed replica would
 * until its operator stops it. Newcomers no change has added yet stay up: a change under way may
 * still add them. Refused and lost changes are part of the game.
 */
public final class MembershipNemesis {

    private static final int MIN_VOTERS = 3;
    private static final int MAX_VOTERS = 7;

    private final SimCluster cluster;
    private final Random random;
    private final long untilMicros;
    /** Nodes started to join that no committed configuration has held yet. */
    private final Set<Integer> joining = new TreeSet<>();
    private final Set<Integer> doomed = new TreeSet<>();
    private long changesProposed;
    private BiPredicate<MembershipConfig, ConfChange> allowed = (config, change) -> true;

    public MembershipNemesis(SimCluster cluster, Random random, long untilMicros) {
        this.cluster = cluster;
        this.random = random;
        this.untilMicros = untilMicros;
    }

    /**
     * From now on only changes {@code allowed} accepts (given the leader's membership) are
     * proposed: the rules an operator of the system under test follows.
     */
    public MembershipNemesis allowing(BiPredicate<MembershipConfig, ConfChange> allowed) {
        this.allowed = allowed;
        return this;
    }

    public void start() {
        cluster.scheduler().after(200_000 + random.nextInt(1_500_000), this::step);
    }

    public long changesProposed() {
        return changesProposed;
    }

    private void step() {
        if (cluster.now() >= untilMicros) {
            return;
        }
        destroyRemoved();
        int leader = cluster.newestLeader();
        if (leader > 0) {
            // Now and then a second change right behind the first, which the leader must refuse.
            int changes = random.nextInt(3) == 0 ? 2 : 1;
            cluster.input(leader, core -> {
                for (int i = 0; i < changes; i++) {
                    ConfChange change = pick(core.membership());
                    if (change != null && allowed.test(core.membership(), change)) {
                        changesProposed++;
                        cluster.trace().record(cluster.now(), leader, "conf change " + change);
                        propose(core, change);
                    }
                }
            });
        }
        cluster.scheduler().after(200_000 + random.nextInt(1_500_000), this::step);
    }

    private static void propose(RaftCore core, ConfChange change) {
        try {
            core.proposeConfChange(change);
        } catch (ConfChangeException e) {
            // Another change in flight, a leader new to its term, or a change overtaken by another.
        }
    }

    private ConfChange pick(MembershipConfig c) {
        if (c.isJoint()) {
            return null;
        }
        List<Integer> voters = new ArrayList<>(c.voters().incoming().ids());
        List<Integer> learners = new ArrayList<>(c.learners());
        int v = voters.size();
        switch (random.nextInt(7)) {
            case 0 -> {
                return learners.size() < 2 ? ConfChange.addLearner(newcomer(0)) : null;
            }
            case 1 -> {
                return !learners.isEmpty() && v < MAX_VOTERS ? ConfChange.addVoter(any(learners)) : null;
            }
            case 2 -> {
                return v > MIN_VOTERS ? ConfChange.remove(any(voters)) : null;
            }
            case 3 -> {
                return !learners.isEmpty() ? ConfChange.remove(any(learners)) : null;
            }
            case 4 -> {
                return ConfChange.replace(any(voters), newcomer(0));
            }
            case 5 -> {
                if (v + 2 > MAX_VOTERS) {
                    return null;
                }
                int first = newcomer(0);
                return ConfChange.of(new ConfChange.Op(ConfChange.Type.ADD_VOTER, first),
                        new ConfChange.Op(ConfChange.Type.ADD_VOTER, newcomer(first)));
            }
            default -> {
                if (v - 2 < MIN_VOTERS) {
                    return null;
                }
                Collections.shuffle(voters, random);
                return ConfChange.of(new ConfChange.Op(ConfChange.Type.REMOVE, voters.get(0)),
                        new ConfChange.Op(ConfChange.Type.REMOVE, voters.get(1)));
            }
        }
    }

    /** A node other than {@code except} waiting to join that no pending change names, or a new one. */
    private int newcomer(int except) {
        for (int id : joining) {
            if (id != except && !cluster.node(id).isDestroyed() && cluster.node(id).core() != null
                    && cluster.node(id).core().membership().isEmpty()) {
                return id;
            }
        }
        int id = cluster.join();
        joining.add(id);
        return id;
    }

    private int any(List<Integer> ids) {
        return ids.get(random.nextInt(ids.size()));
    }

    /** Dooms every node the committed configuration left out (but newcomers still to be added). */
    private void destroyRemoved() {
        for (int id : removed()) {
            if (doomed.add(id)) {
                cluster.scheduler().after(random.nextInt(1_500_000), () -> cluster.destroy(id));
            }
        }
    }

    /** Destroys at once every node the committed configuration left out (but newcomers still to be added). */
    public void destroyRemovedNow() {
        removed().forEach(cluster::destroy);
    }

    private List<Integer> removed() {
        MembershipConfig committed = cluster.committedMembership();
        joining.removeIf(committed::isMember);
        List<Integer> out = new ArrayList<>();
        for (int id : cluster.ids()) {
            if (!committed.isMember(id) && !joining.contains(id)) {
                out.add(id);
            }
        }
        return out;
    }
}
