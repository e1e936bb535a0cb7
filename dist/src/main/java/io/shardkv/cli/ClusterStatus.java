package io.shardkv.cli;

import io.shardkv.raft.core.Role;
import io.shardkv.raft.server.ReplicaStatusReport;
import io.shardkv.raft.server.ReplicaStatusRequest;
import io.shardkv.raft.transport.RaftWireTypes;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.MetricLabel;
import io.shardkv.rpc.PeerConnection;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ControllerClerk;
import io.shardkv.rpc.ctrler.CtrlerWireTypes;
import io.shardkv.rpc.kv.KvWireTypes;
import io.shardkv.rpc.migration.MigrationWireTypes;
import io.shardkv.rpc.migration.ShardStatusReport;
import io.shardkv.rpc.migration.ShardStatusRequest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What {@code admin status} shows: every controller and shard-group replica as it reports itself,
 * gathered in parallel (each replica answers from what it publishes, without its node thread, so
 * a stuck replica still answers), and the verdict — healthy, or the reasons it is not.
 */
final class ClusterStatus {

    /** A replica whose node thread has not turned for this long is reported stuck. */
    static final long STALL_LIMIT_MILLIS = 5_000;

    /** One replica: its report, its shard report (shard groups), or why it did not answer. */
    record Replica(String address, ReplicaStatusReport report, ShardStatusReport shards, String error) {

        boolean answered() {
            return report != null;
        }
    }

    /** One Raft group: {@code gid} 0 is the controller. */
    record Group(int gid, List<Replica> replicas) {

        /** The replica that leads in the highest term any replica reports, or null. */
        Replica leader() {
            Replica best = null;
            for (Replica r : replicas) {
                if (r.answered() && r.report().status().role() == Role.LEADER
                        && (best == null || r.report().status().term() > best.report().status().term())) {
                    best = r;
                }
            }
            return best;
        }

        /** How far {@code r} has applied behind the leader's commit index, or -1 if no leader is known. */
        long lag(Replica r) {
            Replica leader = leader();
            return leader == null || !r.answered() ? -1
                    : Math.max(0, leader.report().status().commitIndex() - r.report().status().appliedIndex());
        }

        String name() {
            return gid == 0 ? "controller" : "group " + gid;
        }
    }

    private final Config config;
    private final String configError;
    private final List<Group> groups;
    private final long maxLag;

    private ClusterStatus(Config config, String configError, List<Group> groups, long maxLag) {
        this.config = config;
        this.configError = configError;
        this.groups = groups;
        this.maxLag = maxLag;
    }

    /** Asks the controller for the latest configuration and every replica it and the groups name for its status. */
    static ClusterStatus gather(TransportConfig settings, List<InetSocketAddress> controllers, Duration timeout,
                                long maxLag) {
        Codec codec = Codec.builder().install(new RaftWireTypes()).install(new CtrlerWireTypes())
                .install(new KvWireTypes()).install(new MigrationWireTypes()).build();
        Transport transport = Transport.create(settings, codec);
        try {
            Config config = null;
            String configError = null;
            try (ControllerClerk clerk = new ControllerClerk(transport, controllers, timeout)) {
                config = clerk.query(-1).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                configError = "the controller did not give its configuration within " + timeout.toMillis() + " ms: "
                        + Main.oneLine(e instanceof ExecutionException ? e.getCause() : e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
            List<Group> groups = new ArrayList<>();
            groups.add(ask(transport, 0, controllers.stream().map(HostPort::format).toList(), timeout));
            if (config != null) {
                for (Map.Entry<Integer, List<String>> g : config.groups().entrySet()) {
                    groups.add(ask(transport, g.getKey(), g.getValue(), timeout));
                }
            }
            return new ClusterStatus(config, configError, groups, maxLag);
        } finally {
            transport.close();
        }
    }

    /**
     * Asks the replicas given, then any member their configurations name that was not given (a
     * replaced replica the controller's record or the tool's list does not have yet).
     */
    private static Group ask(Transport transport, int gid, List<String> given, Duration timeout) {
        Map<String, Replica> replicas = new LinkedHashMap<>();
        Set<String> pending = new LinkedHashSet<>(given);
        while (!pending.isEmpty()) {
            Map<String, CompletableFuture<Replica>> asked = new LinkedHashMap<>();
            for (String address : pending) {
                asked.put(address, askOne(transport, address, gid != 0, timeout));
            }
            pending.clear();
            asked.forEach((address, f) -> {
                Replica r = f.join();
                replicas.put(address, r);
                if (r.answered()) {
                    for (String member : r.report().config().addresses().values()) {
                        if (!replicas.containsKey(member) && !asked.containsKey(member)) {
                            pending.add(member);
                        }
                    }
                }
            });
        }
        return new Group(gid, List.copyOf(replicas.values()));
    }

    private static CompletableFuture<Replica> askOne(Transport transport, String address, boolean shardGroup,
                                                     Duration timeout) {
        InetSocketAddress a;
        try {
            a = HostPort.parse(address);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Replica(address, null, null, "unusable address: "
                    + e.getMessage()));
        }
        PeerConnection c = transport.connect(a);
        CompletableFuture<Object> status = c.request(new ReplicaStatusRequest(), timeout);
        CompletableFuture<Object> shards = shardGroup ? c.request(new ShardStatusRequest(), timeout)
                : CompletableFuture.completedFuture(null);
        return status.handle((s, e) -> s != null ? s : e).thenCombine(shards.handle((s, e) -> s), (s, sh) -> {
            c.close();
            if (s instanceof Throwable e) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                return new Replica(address, null, null, cause instanceof TimeoutException
                        ? "did not answer within " + timeout.toMillis() + " ms" : "unreachable: " + Main.oneLine(cause));
            }
            if (!(s instanceof ReplicaStatusReport report)) {
                return new Replica(address, null, null, "answered " + s.getClass().getSimpleName()
                        + ": not a shardkv replica of this version");
            }
            return new Replica(address, report, sh instanceof ShardStatusReport r ? r : null,
                    shardGroup && !(sh instanceof ShardStatusReport) ? "no shard view: " + (sh == null
                            ? "no answer within " + timeout.toMillis() + " ms"
                            : MetricLabel.of(sh, sh.getClass().getSimpleName())) : null);
        });
    }

    List<Group> groups() {
        return groups;
    }

    Config config() {
        return config;
    }

    /** Why the cluster is not healthy; empty if it is. */
    List<String> problems() {
        List<String> out = new ArrayList<>();
        if (configError != null) {
            out.add(configError);
        }
        if (config != null && !config.groups().isEmpty() && !config.shardsOf(Config.NO_GROUP).isEmpty()) {
            out.add(config.shardsOf(Config.NO_GROUP).size() + " shards belong to no group");
        }
        if (config != null && config.groups().isEmpty()) {
            out.add("no shard group has joined: every key is unavailable (admin join)");
        }
        for (Group g : groups) {
            if (g.leader() == null) {
                out.add(g.name() + " has no leader among the replicas that answered");
            }
            int answered = 0;
            for (Replica r : g.replicas()) {
                String who = g.name() + " replica " + r.address();
                if (!r.answered()) {
                    out.add(who + " " + r.error());
                    continue;
                }
                answered++;
                ReplicaStatusReport s = r.report();
                if (!s.status().running()) {
                    out.add(who + ": its Raft node has stopped");
                }
                if (s.removed()) {
                    out.add(who + " was removed from the group but still runs: stop it");
                } else if (s.config().isEmpty()) {
                    out.add(who + " is joining: no configuration has reached it (admin member add)");
                }
                if (s.stallMillis() > STALL_LIMIT_MILLIS) {
                    out.add(who + ": its node thread has not turned for " + s.stallMillis() + " ms");
                }
                long lag = g.lag(r);
                if (lag > maxLag) {
                    out.add(who + " is " + lag + " entries behind the leader (limit " + maxLag + ")");
                }
                if (r.error() != null) {
                    out.add(who + ": " + r.error());
                }
            }
            if (answered * 2 <= g.replicas().size()) {
                out.add(g.name() + ": only " + answered + " of " + g.replicas().size() + " replicas answered");
            }
        }
        return out;
    }

    /** Shards a group's leader holds in each state, by state. */
    static Map<String, List<Integer>> shardsByState(ShardStatusReport shards) {
        Map<String, List<Integer>> out = new TreeMap<>();
        shards.states().forEach((shard, state) -> out.computeIfAbsent(state, k -> new ArrayList<>()).add(shard));
        return out;
    }
}
