package io.shardkv.raft.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The trouble a randomized run injects into a simulated group, as its {@link FaultMix} allows:
 * every 0.1–1.1 s of virtual time a partition (random halves, an isolated node, an isolated
 * leader, a minority holding the leader, or healing) or a crash or restart (of a random node or
 * the leader, keeping at most a minority down most of the time); and every 0.5–3.5 s a request
 * that the leader hand leadership to a random voter. Everything stops at {@code untilMicros}.
 */
public final class Nemesis {

    private final SimCluster cluster;
    private final FaultMix mix;
    private final Random random;
    private final long untilMicros;

    public Nemesis(SimCluster cluster, FaultMix mix, Random random, long untilMicros) {
        this.cluster = cluster;
        this.mix = mix;
        this.random = random;
        this.untilMicros = untilMicros;
    }

    /** Sets the network's fault profile and schedules the first strikes. */
    public void start() {
        cluster.network().setFaults(mix.network);
        if (mix.partitions || mix.crashes) {
            cluster.scheduler().after(100_000 + random.nextInt(1_000_000), this::step);
        }
        scheduleLeadershipTransfers();
    }

    /** Ends every fault: the network reliable and whole, every node running. */
    public static void healAll(SimCluster cluster) {
        cluster.heal();
        cluster.network().setFaults(NetworkFaults.RELIABLE);
        for (int i : cluster.ids()) {
            cluster.start(i);
        }
    }

    private boolean active() {
        return cluster.now() < untilMicros;
    }

    private void step() {
        if (!active()) {
            return;
        }
        boolean partitionTurn = mix.partitions && (!mix.crashes || random.nextBoolean());
        if (partitionTurn) {
            partitionStep();
        } else {
            crashStep();
        }
        cluster.scheduler().after(100_000 + random.nextInt(1_000_000), this::step);
    }

    private void partitionStep() {
        int n = cluster.size();
        switch (random.nextInt(5)) {
            case 0 -> cluster.heal();
            case 1 -> {
                int leader = cluster.newestLeader();
                cluster.isolate(leader > 0 ? leader : 1 + random.nextInt(n));
            }
            case 2 -> cluster.isolate(1 + random.nextInt(n));
            case 3 -> {
                int[] sides = new int[n + 1];
                for (int i = 1; i <= n; i++) {
                    sides[i] = random.nextInt(2);
                }
                cluster.partition(sides);
            }
            default -> {
                // A minority that holds the current leader, cut off from the majority.
                int[] sides = new int[n + 1];
                int leader = cluster.newestLeader();
                List<Integer> order = shuffledNodes();
                if (leader > 0) {
                    order.remove(Integer.valueOf(leader));
                    order.add(0, leader);
                }
                for (int k = 0; k < n / 2; k++) {
                    sides[order.get(k)] = 1;
                }
                cluster.partition(sides);
            }
        }
    }

    private void crashStep() {
        List<Integer> down = new ArrayList<>();
        List<Integer> up = new ArrayList<>();
        List<Integer> ids = cluster.ids();
        for (int i : ids) {
            (cluster.node(i).isUp() ? up : down).add(i);
        }
        if (!down.isEmpty() && (up.size() <= ids.size() / 2 + 1 || random.nextBoolean())) {
            cluster.start(down.get(random.nextInt(down.size())));
        } else if (!up.isEmpty()) {
            int leader = cluster.newestLeader();
            int victim = leader > 0 && random.nextBoolean() ? leader : up.get(random.nextInt(up.size()));
            cluster.crash(victim);
        }
    }

    private void scheduleLeadershipTransfers() {
        cluster.scheduler().after(500_000 + random.nextInt(3_000_000), () -> {
            if (!active()) {
                return;
            }
            int leader = cluster.newestLeader();
            if (leader > 0) {
                int target = 1 + random.nextInt(cluster.size());
                cluster.input(leader, core -> {
                    if (core.membership().isVoter(target)) {
                        core.transferLeadership(target);
                    }
                });
            }
            scheduleLeadershipTransfers();
        });
    }

    private List<Integer> shuffledNodes() {
        List<Integer> order = new ArrayList<>();
        for (int i = 1; i <= cluster.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        return order;
    }
}
