package io.shardkv.group;

import io.shardkv.kv.Key;
import io.shardkv.raft.rsm.RsmHost;
import io.shardkv.raft.rsm.RsmOutcome;
import io.shardkv.rpc.migration.DeleteShardRequest;
import io.shardkv.rpc.migration.MigrationStatus;
import io.shardkv.rpc.migration.PullShardRequest;
import io.shardkv.rpc.migration.PullShardResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's half of reconfiguration (DESIGN §8): it walks the controller's configurations one
 * at a time, pulls the shards its group gains chunk by chunk, and tells the previous holders to
 * delete them — each result entering the group's log through the {@link RsmHost}. What to do is
 * read from the {@link ShardGroupStateMachine} every time; the driver itself remembers only which
 * requests are in flight, so a new leader, a restart or a lost reply simply redoes a step, and the
 * state machine turns every repeat into a no-op.
 *
 * <p>A source group's servers are those its configuration recorded; when they do not answer, the
 * driver asks the controller where the group is now — the newest configuration that holds it — and
 * tries those servers as well, so a migration outlives a membership change that replaced every
 * replica it knew (the membership tool records the new ones at the controller).
 *
 * <p>Sans-I/O and single-threaded: {@link #tick} and every callback run on the node's thread.
 * Each shard moves independently: a shard whose source is down never holds up the others.
 */
public final class MigrationDriver {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationDriver.class);

    /**
     * @param chunkBytes   about how many bytes of a shard one pull brings (one log entry each)
     * @param pollInterval how often a settled leader asks the controller for the next configuration
     * @param stallTimeout a step with no outcome after this long is started again
     * @param rateBytesPerSecond how many bytes a leader pulls per second at most, all shards
     *                           together ({@link MigrationPacer}); 0 for no limit
     */
    public record Options(int chunkBytes, Duration pollInterval, Duration stallTimeout, long rateBytesPerSecond) {
        /** The pace a server migrates at unless told otherwise: see docs/performance.md item 4. */
        public static final long DEFAULT_RATE_BYTES_PER_SECOND = 32L << 20;
        public static final Options DEFAULTS = new Options(1 << 20, Duration.ofMillis(100), Duration.ofSeconds(30),
                DEFAULT_RATE_BYTES_PER_SECOND);

        public Options {
            if (chunkBytes < 1) {
                throw new IllegalArgumentException("chunkBytes must be >= 1, was " + chunkBytes);
            }
            requirePositive("pollInterval", pollInterval);
            requirePositive("stallTimeout", stallTimeout);
            if (rateBytesPerSecond < 0) {
                throw new IllegalArgumentException("the migration rate must be >= 0 bytes per second (0: no limit), was "
                        + rateBytesPerSecond);
            }
        }

        /** Unpaced. */
        public Options(int chunkBytes, Duration pollInterval, Duration stallTimeout) {
            this(chunkBytes, pollInterval, stallTimeout, 0);
        }

        /** These options pulling at most {@code bytesPerSecond} (0: no limit). */
        public Options withRate(long bytesPerSecond) {
            return new Options(chunkBytes, pollInterval, stallTimeout, bytesPerSecond);
        }

        private static void requirePositive(String name, Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d.toMillis() + " ms");
            }
        }
    }

    /**
     * One step in flight, or a pause before retrying a refused one: its token tells its callbacks
     * apart from those of a step it replaced; after {@code expiresMillis} the step is started again.
     */
    private record Step(long token, long expiresMillis) {
    }

    private final ShardGroupStateMachine machine;
    private final RsmHost host;
    private final MigrationPeers peers;
    private final Options options;
    private final LongSupplier clockMillis;
    private final MigrationPacer pacer;

    /** Steps in flight: pulls and deletes by shard, and the next configuration's query and proposal. */
    private final Map<Integer, Step> pulls = new HashMap<>();
    private final Map<Integer, Step> deletes = new HashMap<>();
    private Step configStep;
    /** Source groups' servers in the newest configuration holding them, learned when a source stopped answering. */
    private final Map<Integer, List<String>> newestServers = new HashMap<>();
    private final Map<Integer, Long> lastServersQueryMillis = new HashMap<>();
    private final Set<Integer> serversQueriesInFlight = new HashSet<>();
    private long nextToken = 1;
    /** Key and value bytes of shards installed here; written on the node's thread, read by metrics. */
    private volatile long installedBytes;
    private long lastPollMillis = Long.MIN_VALUE / 2;

    MigrationDriver(ShardGroupStateMachine machine, RsmHost host, MigrationPeers peers, Options options,
                    LongSupplier clockMillis) {
        this.machine = machine;
        this.host = host;
        this.peers = peers;
        this.options = options;
        this.clockMillis = clockMillis;
        this.pacer = new MigrationPacer(options.rateBytesPerSecond(), clockMillis.getAsLong());
    }

    /** Called periodically on the node's thread: starts whatever step is due and not in flight. */
    void tick() {
        if (!host.isLeader()) {
            // Callbacks of steps started while leading find their tokens gone and stop.
            pulls.clear();
            deletes.clear();
            configStep = null;
            return;
        }
        long now = clockMillis.getAsLong();
        expireStalled(pulls, now);
        expireStalled(deletes, now);
        if (configStep != null && stalled(configStep, now)) {
            configStep = null;
        }
        startDueSteps(now);
    }

    private void expireStalled(Map<Integer, Step> steps, long now) {
        steps.values().removeIf(s -> stalled(s, now));
    }

    private static boolean stalled(Step s, long now) {
        return now >= s.expiresMillis();
    }

    private void startDueSteps(long now) {
        for (ShardGroupStateMachine.PullTask t : machine.pullTasks()) {
            if (!pulls.containsKey(t.shard())) {
                if (!pacer.mayPull(now)) {
                    break; // the next tick, or the next chunk applied, looks again
                }
                pull(t);
            }
        }
        for (ShardGroupStateMachine.GcTask t : machine.gcTasks()) {
            if (!deletes.containsKey(t.shard())) {
                delete(t);
            }
        }
        if (machine.settled() && configStep == null && now - lastPollMillis >= options.pollInterval().toMillis()) {
            pollNextConfig(now);
        }
    }

    private Step newStep() {
        return new Step(nextToken++, clockMillis.getAsLong() + options.stallTimeout().toMillis());
    }

    /**
     * No answer, or a refusal (the peer has not reached the configuration yet, or is not the
     * leader): ask again after a poll interval rather than at once, so a lagging or unreachable
     * group is not flooded.
     */
    private void pauseAfterRefusal(Map<Integer, Step> steps, int shard) {
        steps.put(shard, new Step(nextToken++, clockMillis.getAsLong() + options.pollInterval().toMillis()));
    }

    private Step begin(Map<Integer, Step> steps, int key) {
        Step s = newStep();
        steps.put(key, s);
        return s;
    }

    private static boolean current(Map<Integer, Step> steps, int key, Step s) {
        return steps.get(key) == s;
    }

    /** Key and value bytes this replica installed from other groups while it led (any thread). */
    long installedBytes() {
        return installedBytes;
    }

    // ------------------------------------------------------------------ configurations

    private void pollNextConfig(long now) {
        lastPollMillis = now;
        long wanted = machine.config().num() + 1;
        Step step = newStep();
        configStep = step;
        peers.queryConfig(wanted, next -> {
            if (configStep != step) {
                return;
            }
            if (next == null || next.num() != machine.config().num() + 1 || !host.isLeader()) {
                configStep = null;
                return;
            }
            host.submitInternal(GroupCodec.encode(new GroupCommand.NextConfig(next)), outcome -> {
                if (configStep != step) {
                    return;
                }
                configStep = null;
                if (reply(outcome) == ShardGroupStateMachine.Reply.APPLIED) {
                    LOG.info("group {}: configuration {} taken; pulling {}", machine.gid(), next.num(),
                            shardsOf(machine.pullTasks()));
                    // A group far behind walks the configurations without waiting a poll interval each.
                    lastPollMillis = Long.MIN_VALUE / 2;
                    afterProgress();
                }
            });
        });
    }

    private static List<Integer> shardsOf(List<ShardGroupStateMachine.PullTask> tasks) {
        List<Integer> shards = new ArrayList<>();
        tasks.forEach(t -> shards.add(t.shard()));
        return shards;
    }

    /** After a step's result is applied the next step may start at once, not at the next tick. */
    private void afterProgress() {
        if (host.isLeader()) {
            startDueSteps(clockMillis.getAsLong());
        }
    }

    // ------------------------------------------------------------------ pulls

    private void pull(ShardGroupStateMachine.PullTask task) {
        Step step = begin(pulls, task.shard());
        byte[] after = task.cursor() == null ? null : task.cursor().bytes();
        PullShardRequest request = new PullShardRequest(task.shard(), task.handoff(), after, options.chunkBytes());
        peers.pull(sources(task.sourceGid(), task.sourceServers()), request, response -> {
            if (!current(pulls, task.shard(), step)) {
                return;
            }
            if (response == null) {
                learnWhereGroupIs(task.sourceGid(), task.handoff() - 1);
            }
            if (response == null || response.status() != MigrationStatus.OK) {
                if (response != null && response.status() == MigrationStatus.GONE) {
                    LOG.error("group {}: group {} no longer holds shard {} frozen at {}, which is not yet installed here",
                            machine.gid(), task.sourceGid(), task.shard(), task.handoff());
                }
                pauseAfterRefusal(pulls, task.shard());
                return;
            }
            long bytes = 0;
            for (int i = 0; i < response.keys().size(); i++) {
                bytes += response.keys().get(i).length + response.values().get(i).length;
            }
            pacer.pulled(bytes, clockMillis.getAsLong());
            install(task, step, response, bytes);
        });
    }

    /** Installs {@code response}, a chunk of {@code bytes} key and value bytes, through the log. */
    private void install(ShardGroupStateMachine.PullTask task, Step step, PullShardResponse response, long bytes) {
        List<Map.Entry<Key, byte[]>> entries = new ArrayList<>(response.keys().size());
        for (int i = 0; i < response.keys().size(); i++) {
            entries.add(Map.entry(new Key(response.keys().get(i)), response.values().get(i)));
        }
        PullAnswer.Chunk chunk = new PullAnswer.Chunk(entries, response.last(), response.sessions());
        String invalid = machine.invalidChunk(task.shard(), task.cursor(), chunk);
        if (invalid != null) {
            LOG.error("group {}: group {} sent a chunk of shard {} that cannot be installed ({}); asking again",
                    machine.gid(), task.sourceGid(), task.shard(), invalid);
            pauseAfterRefusal(pulls, task.shard());
            return;
        }
        byte[] command = GroupCodec.encode(new GroupCommand.InstallChunk(machine.config().num(), task.shard(),
                task.handoff(), task.cursor(), chunk));
        host.submitInternal(command, outcome -> {
            if (!current(pulls, task.shard(), step)) {
                return;
            }
            pulls.remove(task.shard());
            if (reply(outcome) == ShardGroupStateMachine.Reply.APPLIED) {
                installedBytes += bytes;
                if (response.last()) {
                    LOG.info("group {}: shard {} installed from group {} ({} keys)", machine.gid(), task.shard(),
                            task.sourceGid(), machine.keys(task.shard()));
                }
                afterProgress();
            }
        });
    }

    // ------------------------------------------------------------------ deletes

    private void delete(ShardGroupStateMachine.GcTask task) {
        Step step = begin(deletes, task.shard());
        peers.delete(sources(task.sourceGid(), task.sourceServers()), new DeleteShardRequest(task.shard(),
                task.handoff()), response -> {
            if (!current(deletes, task.shard(), step)) {
                return;
            }
            if (response == null) {
                learnWhereGroupIs(task.sourceGid(), task.handoff() - 1);
            }
            if (response == null || response.status() != MigrationStatus.OK) {
                pauseAfterRefusal(deletes, task.shard());
                return;
            }
            host.submitInternal(GroupCodec.encode(new GroupCommand.GcDone(task.shard(), task.handoff())),
                    outcome -> {
                        if (current(deletes, task.shard(), step)) {
                            deletes.remove(task.shard());
                            if (reply(outcome) == ShardGroupStateMachine.Reply.APPLIED) {
                                afterProgress();
                            }
                        }
                    });
        });
    }

    // ------------------------------------------------------------------ source servers

    /** The servers to ask for group {@code gid}: the newest configuration's first, then those recorded. */
    private List<String> sources(int gid, List<String> recorded) {
        List<String> newest = newestServers.get(gid);
        if (newest == null || newest.equals(recorded)) {
            return recorded;
        }
        Set<String> both = new LinkedHashSet<>(newest);
        both.addAll(recorded);
        return List.copyOf(both);
    }

    /**
     * Learns group {@code gid}'s servers from the newest configuration that holds it (it may have
     * left since: then the one before it left), walking back from the newest no further than
     * {@code oldest}; at most one walk per group per poll interval.
     */
    private void learnWhereGroupIs(int gid, long oldest) {
        long now = clockMillis.getAsLong();
        Long last = lastServersQueryMillis.get(gid);
        if (serversQueriesInFlight.contains(gid) || last != null && now - last < options.pollInterval().toMillis()) {
            return;
        }
        serversQueriesInFlight.add(gid);
        lastServersQueryMillis.put(gid, now);
        walkBack(gid, -1, oldest);
    }

    private void walkBack(int gid, long num, long oldest) {
        peers.queryConfig(num, config -> {
            if (config != null && config.groups().containsKey(gid)) {
                newestServers.put(gid, config.groups().get(gid));
            } else if (config != null && config.num() > oldest) {
                walkBack(gid, config.num() - 1, oldest);
                return;
            }
            serversQueriesInFlight.remove(gid);
        });
    }

    private static ShardGroupStateMachine.Reply reply(RsmOutcome outcome) {
        return outcome instanceof RsmOutcome.Ok ok ? GroupCodec.decodeReply(ok.reply())
                : ShardGroupStateMachine.Reply.IGNORED;
    }
}
