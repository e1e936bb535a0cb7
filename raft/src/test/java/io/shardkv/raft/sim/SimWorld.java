package io.shardkv.raft.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * One simulated world: a virtual clock and event queue, one seeded source of randomness and one
 * network, shared by every Raft group ({@link SimCluster}) and every client in it — so a whole
 * sharded cluster (controller and shard groups) runs deterministically on one thread and a seed
 * replays all of it.
 */
public final class SimWorld {

    private final long seed;
    private final Random random;
    private final Scheduler scheduler = new Scheduler();
    private final EventTrace trace = new EventTrace(300);
    private final SimNetwork network;
    private final List<SimCluster> groups = new ArrayList<>();
    private long nextRpcId = 1;

    public SimWorld(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
        this.network = new SimNetwork(scheduler, random, trace);
    }

    public long seed() {
        return seed;
    }

    public long now() {
        return scheduler.now();
    }

    public Random random() {
        return random;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public SimNetwork network() {
        return network;
    }

    /**
     * A request id unique in the world, so a response to an earlier incarnation of a server can
     * never be mistaken for the answer to a later request from the same endpoint.
     */
    long nextRpcId() {
        return nextRpcId++;
    }

    EventTrace trace() {
        return trace;
    }

    void add(SimCluster group) {
        groups.add(group);
    }

    /** Runs every event up to {@code micros} of virtual time from now. */
    public void runFor(long micros) {
        long end = scheduler.now() + micros;
        guarded(() -> {
            while (scheduler.nextTime() <= end) {
                scheduler.runNext();
            }
            scheduler.advanceTo(end);
        });
    }

    /**
     * Runs until {@code condition} holds (checked after every event) or {@code maxMicros} of virtual
     * time pass. Returns whether it held.
     */
    public boolean runUntil(BooleanSupplier condition, long maxMicros) {
        long end = scheduler.now() + maxMicros;
        boolean[] met = {false};
        guarded(() -> {
            if (condition.getAsBoolean()) {
                met[0] = true;
                return;
            }
            while (scheduler.nextTime() <= end) {
                scheduler.runNext();
                if (condition.getAsBoolean()) {
                    met[0] = true;
                    return;
                }
            }
            scheduler.advanceTo(end);
        });
        return met[0];
    }

    private void guarded(Runnable body) {
        try {
            body.run();
        } catch (SimulationFailure f) {
            throw fail(f.getMessage(), f);
        } catch (RuntimeException e) {
            throw fail("unexpected exception: " + e, e);
        }
    }

    /** A failure that names the seed, how to replay it, every node's state and the last events. */
    public SimulationFailure fail(String message, Throwable cause) {
        if (message != null && message.contains("[seed ")) {
            return cause instanceof SimulationFailure sf ? sf : new SimulationFailure(message, cause);
        }
        StringBuilder nodes = new StringBuilder();
        for (SimCluster g : groups) {
            nodes.append(g.describeNodes());
        }
        String text = "[seed " + seed + ", virtual time " + scheduler.now() / 1000.0 + " ms] " + message
                + "\nreplay with -Dsim.seed=" + seed + "\nnodes:\n" + nodes + "last events:\n" + trace.format();
        return new SimulationFailure(text, cause);
    }

    public SimulationFailure fail(String message) {
        return fail(message, null);
    }
}
