package io.shardkv.it;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The faults the container tests inject, each undone by the {@link Fault} it returns. Partitions
 * by firewall keep the host's view (clients still reach every node); a disconnected node is
 * unreachable for everyone. Faults aimed at a leader return only once another replica leads in a
 * newer term, so a fault that did not take effect fails the test rather than passing unnoticed.
 */
enum Nemesis {

    /** One node (any role) off the network. */
    DISCONNECT_NODE {
        @Override
        Fault inject(ContainerCluster cluster, Random random) {
            ClusterNode n = pick(cluster.nodes(), random);
            cluster.disconnect(n);
            return new Fault("disconnect " + n, () -> cluster.reconnect(n));
        }
    },
    /** Every node on a random side; the two sides cannot talk (each Raft group split somehow). */
    RANDOM_HALVES {
        @Override
        Fault inject(ContainerCluster cluster, Random random) throws Exception {
            Set<ClusterNode> side = new HashSet<>();
            for (ClusterNode n : cluster.nodes()) {
                if (random.nextBoolean()) {
                    side.add(n);
                }
            }
            cluster.partition(side);
            return new Fault("partition " + side + " | rest", cluster::healPartitions);
        }
    },
    /** The leader of a random shard group cut off from every other node. */
    ISOLATE_GROUP_LEADER {
        @Override
        Fault inject(ContainerCluster cluster, Random random) throws Exception {
            return onLeader(cluster, cluster.group(pick(ContainerCluster.GIDS, random)), "isolate group leader",
                    leader -> cluster.partition(Set.of(leader)), leader -> cluster::healPartitions);
        }
    },
    /** The controller group's leader cut off from every other node. */
    ISOLATE_CONTROLLER_LEADER {
        @Override
        Fault inject(ContainerCluster cluster, Random random) throws Exception {
            return onLeader(cluster, cluster.controllers(), "isolate controller leader",
                    leader -> cluster.partition(Set.of(leader)), leader -> cluster::healPartitions);
        }
    },
    /** SIGKILL of one replica (any role), restarted on its data. */
    KILL_REPLICA {
        @Override
        Fault inject(ContainerCluster cluster, Random random) {
            ClusterNode n = pick(cluster.nodes(), random);
            cluster.kill(n);
            return new Fault("kill -9 " + n, () -> cluster.restart(n));
        }
    },
    /** SIGKILL of a shard group's leader, restarted on its data once another replica leads. */
    KILL_GROUP_LEADER {
        @Override
        Fault inject(ContainerCluster cluster, Random random) throws Exception {
            return onLeader(cluster, cluster.group(pick(ContainerCluster.GIDS, random)), "kill -9 group leader",
                    cluster::kill, leader -> () -> cluster.restart(leader));
        }
    },
    /** SIGKILL of all three replicas of a shard group at once, restarted on their data. */
    KILL_GROUP {
        @Override
        Fault inject(ContainerCluster cluster, Random random) {
            List<ClusterNode> group = cluster.group(pick(ContainerCluster.GIDS, random));
            group.forEach(cluster::kill);
            return new Fault("kill -9 group " + group, () -> {
                for (ClusterNode n : group) {
                    cluster.restart(n);
                }
            });
        }
    },
    /** A shard group's leader frozen (SIGSTOP-like) for longer than an election timeout. */
    PAUSE_GROUP_LEADER {
        @Override
        Fault inject(ContainerCluster cluster, Random random) throws Exception {
            return onLeader(cluster, cluster.group(pick(ContainerCluster.GIDS, random)), "pause group leader",
                    cluster::pause, leader -> () -> cluster.unpause(leader));
        }
    },
    /** The controller leader frozen for longer than an election timeout. */
    PAUSE_CONTROLLER_LEADER {
        @Override
        Fault inject(ContainerCluster cluster, Random random) throws Exception {
            return onLeader(cluster, cluster.controllers(), "pause controller leader", cluster::pause,
                    leader -> () -> cluster.unpause(leader));
        }
    },
    /**
     * SIGKILL of one replica, then a few bytes cut off its newest WAL segment (a write torn by the
     * crash); healing restarts it and waits until it has caught up with its group, so that no
     * other fault lands on the group while it is the one replica short of its log's tail.
     */
    TORN_WAL_TAIL {
        @Override
        Fault inject(ContainerCluster cluster, Random random) throws Exception {
            ClusterNode n = pick(cluster.nodes(), random);
            cluster.kill(n);
            String cut = cluster.tearWalTail(n, 1 + random.nextInt(16));
            return new Fault("torn WAL tail on " + n + " (" + cut + ")", () -> {
                cluster.restart(n);
                cluster.awaitCaughtUp(n);
            });
        }
    },
    /**
     * A shard replica lost for good (container and disk) and replaced by a new one on an empty
     * disk with {@code admin replace}. Only groups in the configuration: a group that has left
     * keeps the replicas its drainers know (docs/operations.md).
     */
    REPLACE_REPLICA {
        @Override
        Fault inject(ContainerCluster cluster, Random random) throws Exception {
            List<Integer> joined = new ArrayList<>(cluster.latestConfig().groups().keySet());
            List<ClusterNode> group = cluster.group(pick(joined, random));
            return replaced(cluster, group, pick(group, random));
        }
    },
    /** A controller replica lost for good and replaced by a new one with {@code admin replace --ctrler}. */
    REPLACE_CONTROLLER {
        @Override
        Fault inject(ContainerCluster cluster, Random random) throws Exception {
            return replaced(cluster, cluster.controllers(), pick(cluster.controllers(), random));
        }
    },
    /**
     * A shard group grown from three voters to five (two replicas joined as learners, caught up,
     * promoted) and shrunk back to three by removing its leader and one more, whose containers
     * and disks then go.
     */
    GROW_AND_SHRINK {
        @Override
        Fault inject(ContainerCluster cluster, Random random) throws Exception {
            List<Integer> joined = new ArrayList<>(cluster.latestConfig().groups().keySet());
            List<ClusterNode> group = cluster.group(pick(joined, random));
            List<ClusterNode> added = cluster.grow(group.get(0).gid(), 2);
            awaitVoters(cluster, added.get(0), group);
            ClusterNode leader = cluster.awaitLeader(group);
            cluster.shrink(leader);
            List<ClusterNode> others = new ArrayList<>(group);
            ClusterNode second = pick(others, random);
            cluster.shrink(second);
            awaitVoters(cluster, group.get(0), group);
            return new Fault("grow " + group.get(0).gid() + " by " + added + ", shrink by the leader " + leader
                    + " and " + second + " (voters " + ids(group) + ")", () -> { });
        }
    },
    /**
     * A rolling restart of every replica of the cluster, one Raft group after another: each replica
     * in turn stopped with SIGTERM (a leader hands leadership off first), started again, and caught
     * up before the next. Reports, per group, the leaders restarted and how far the term moved: one
     * per leader handed off, more only if an election had to time out.
     */
    ROLLING_RESTART {
        @Override
        Fault inject(ContainerCluster cluster, Random random) throws Exception {
            List<String> report = new ArrayList<>();
            for (List<ClusterNode> group : cluster.raftGroups()) {
                long before = cluster.term(cluster.awaitLeader(group));
                int leaders = 0;
                for (ClusterNode n : List.copyOf(group)) {
                    leaders += n == cluster.awaitLeader(group) ? 1 : 0;
                    cluster.terminateAndRestart(n);
                    cluster.awaitCaughtUp(n);
                }
                long after = cluster.term(cluster.awaitLeader(group));
                report.add(group + ": " + leaders + " leader(s) restarted, term " + before + " -> " + after);
            }
            return new Fault("rolling restart of every replica (" + String.join("; ", report) + ")", () -> { });
        }
    };

    /**
     * Does {@code fault} to {@code group}'s leader and waits until another replica leads in a later
     * term, evidence that it took effect; the fault {@code healing} makes for the leader undoes it.
     */
    private static Fault onLeader(ContainerCluster cluster, List<ClusterNode> group, String what, LeaderFault fault,
                                  Function<ClusterNode, Healing> healing) throws Exception {
        ClusterNode leader = cluster.awaitLeader(group);
        long term = cluster.term(leader);
        fault.apply(leader);
        ClusterNode next = cluster.awaitNewLeader(group, leader, term);
        return new Fault(what + " " + leader + " (" + next + " took over)", healing.apply(leader));
    }

    private interface LeaderFault {
        void apply(ClusterNode leader) throws Exception;
    }

    /** Replaces {@code old}, a member of {@code group}, and checks that the group's voters are now the new set. */
    private static Fault replaced(ContainerCluster cluster, List<ClusterNode> group, ClusterNode old) throws Exception {
        ClusterNode fresh = cluster.replace(old);
        awaitVoters(cluster, fresh, group);
        return new Fault("replace " + old + " by " + fresh + " (voters " + ids(group) + ")", () -> { });
    }

    /** Waits until {@code asked} sees exactly {@code group}'s replicas as the voters. */
    private static void awaitVoters(ContainerCluster cluster, ClusterNode asked, List<ClusterNode> group)
            throws InterruptedException {
        Set<Integer> expected = ids(group);
        long deadline = System.nanoTime() + ContainerCluster.READY.toNanos();
        Optional<Set<Integer>> seen = cluster.voters(asked);
        while (!seen.equals(Optional.of(expected))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(asked + " sees voters " + seen + ", not " + expected);
            }
            Thread.sleep(200);
            seen = cluster.voters(asked);
        }
    }

    private static Set<Integer> ids(List<ClusterNode> group) {
        Set<Integer> ids = new TreeSet<>();
        group.forEach(n -> ids.add(n.replicaId()));
        return ids;
    }

    /** Injects the fault now; the returned handle heals it. */
    abstract Fault inject(ContainerCluster cluster, Random random) throws Exception;

    static <T> T pick(List<T> from, Random random) {
        return from.get(random.nextInt(from.size()));
    }

    /** An injected fault: what was done, and how to undo it. */
    record Fault(String description, Healing healing) {
        void heal() throws Exception {
            healing.heal();
        }
    }

    interface Healing {
        void heal() throws Exception;
    }
}
