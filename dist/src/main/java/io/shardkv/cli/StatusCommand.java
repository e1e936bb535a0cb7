package io.shardkv.cli;

import io.shardkv.client.ClientConfig;
import io.shardkv.raft.core.tracker.MembershipConfig;
import io.shardkv.raft.node.NodeStatus;
import io.shardkv.raft.server.ReplicaStatusReport;
import io.shardkv.rpc.migration.ShardStatusReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code shardkv admin status}: every controller and shard-group replica of the cluster — role,
 * term, log positions and lag, snapshot, disk, shards and migrations — and whether it is healthy.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show every replica of the cluster and whether it is healthy.",
            "Per replica: role, term, commit and applied index, lag behind the leader, last snapshot, data size,",
            "shards and migrations in flight. Exits 1 if anything is unhealthy, saying why."})
final class StatusCommand implements Callable<Integer> {

    enum Format { text, json }

    @ParentCommand
    AdminCommand admin;

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json. Default: ${DEFAULT-VALUE}.")
    Format output;

    @Option(names = "--max-lag", defaultValue = "1000", paramLabel = "ENTRIES",
            description = "A replica further behind its leader than this is unhealthy. Default: ${DEFAULT-VALUE}.")
    long maxLag;

    @Override
    public Integer call() throws Exception {
        if (maxLag < 0) {
            throw new IllegalArgumentException("--max-lag must be 0 or more, got " + maxLag);
        }
        ClientConfig c = admin.target.clientConfig();
        ClusterStatus status = ClusterStatus.gather(c.transportConfig(), c.controllers(), c.callTimeout(), maxLag);
        List<String> problems = status.problems();
        PrintWriter out = admin.spec.commandLine().getOut();
        if (output == Format.json) {
            out.println(Json.write(toMap(status, problems)));
        } else {
            print(out, status, problems);
        }
        out.flush();
        return problems.isEmpty() ? 0 : Main.FAILED;
    }

    private static void print(PrintWriter out, ClusterStatus status, List<String> problems) {
        if (status.config() != null) {
            out.println("configuration " + status.config().num() + ": " + status.config().groups().size() + " groups, "
                    + status.config().numShards() + " shards");
        }
        for (ClusterStatus.Group g : status.groups()) {
            ClusterStatus.Replica leader = g.leader();
            out.println(g.name() + (g.gid() == 0 || status.config() == null ? ""
                    : "  shards " + ranges(status.config().shardsOf(g.gid()))) + (leader == null ? "  NO LEADER"
                    : "  leader " + leader.report().status().id() + " in term " + leader.report().status().term()));
            out.printf("  %-3s %-21s %-8s %-8s %5s %9s %9s %6s %-19s %10s  %s%n", "ID", "ADDRESS", "ROLE", "MEMBER",
                    "TERM", "COMMIT", "APPLIED", "LAG", "SNAPSHOT", "DISK", "SHARDS");
            for (ClusterStatus.Replica r : g.replicas()) {
                if (!r.answered()) {
                    out.printf("  %-3s %-21s %s%n", "-", r.address(), r.error());
                    continue;
                }
                ReplicaStatusReport s = r.report();
                NodeStatus n = s.status();
                long lag = g.lag(r);
                out.println(String.format("  %-3d %-21s %-8s %-8s %5d %9d %9d %6s %-19s %10s  %s", n.id(), r.address(),
                        n.running() ? n.role().name() : "STOPPED", membership(s), n.term(), n.commitIndex(),
                        n.appliedIndex(), lag < 0 ? "?" : Long.toString(lag), snapshot(s), MemberCommand.bytes(s.diskBytes()),
                        shards(r)).stripTrailing());
            }
        }
        if (problems.isEmpty()) {
            out.println("healthy");
        } else {
            out.println("UNHEALTHY:");
            problems.forEach(p -> out.println("  " + p));
        }
    }

    private static String membership(ReplicaStatusReport s) {
        MembershipConfig c = s.config();
        int id = s.status().id();
        return s.removed() ? "removed" : c.isEmpty() ? "joining" : c.isLearner(id) ? "learner"
                : c.voters().incoming().contains(id) ? "voter" : c.isVoter(id) ? "leaving" : "none";
    }

    private static String snapshot(ReplicaStatusReport s) {
        return s.snapshotIndex() == 0 ? "none" : "@" + s.snapshotIndex() + " " + MemberCommand.bytes(s.snapshotBytes());
    }

    private static String shards(ClusterStatus.Replica r) {
        ShardStatusReport sh = r.shards();
        if (sh == null) {
            return r.error() == null ? "" : r.error();
        }
        List<String> parts = new ArrayList<>();
        ClusterStatus.shardsByState(sh).forEach((state, list) -> parts.add(state.toLowerCase() + " " + ranges(list)));
        int keys = sh.keys().values().stream().mapToInt(Integer::intValue).sum();
        return "config " + sh.configNum() + (sh.settled() ? "" : " (migrating)") + ", " + keys + " keys"
                + (parts.isEmpty() ? "" : ", " + String.join(", ", parts));
    }

    /** Ascending shard numbers as ranges: 0-21, 30, 32-33. */
    static String ranges(List<Integer> shards) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < shards.size()) {
            int j = i;
            while (j + 1 < shards.size() && shards.get(j + 1) == shards.get(j) + 1) {
                j++;
            }
            b.append(b.length() == 0 ? "" : ",").append(shards.get(i)).append(j > i ? "-" + shards.get(j) : "");
            i = j + 1;
        }
        return b.length() == 0 ? "none" : b.toString();
    }

    private static Map<String, Object> toMap(ClusterStatus status, List<String> problems) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("healthy", problems.isEmpty());
        m.put("problems", problems);
        if (status.config() != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("num", status.config().num());
            c.put("shards", status.config().numShards());
            Map<String, Object> assigned = new LinkedHashMap<>();
            status.config().groups().keySet().forEach(gid -> assigned.put(Integer.toString(gid),
                    status.config().shardsOf(gid)));
            c.put("groups", assigned);
            m.put("configuration", c);
        }
        List<Object> groups = new ArrayList<>();
        for (ClusterStatus.Group g : status.groups()) {
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("gid", g.gid());
            gm.put("role", g.gid() == 0 ? "controller" : "shard group");
            ClusterStatus.Replica leader = g.leader();
            gm.put("leader", leader == null ? null : leader.report().status().id());
            List<Object> replicas = new ArrayList<>();
            for (ClusterStatus.Replica r : g.replicas()) {
                Map<String, Object> rm = new LinkedHashMap<>();
                rm.put("address", r.address());
                rm.put("reachable", r.answered());
                if (r.answered()) {
                    ReplicaStatusReport s = r.report();
                    NodeStatus n = s.status();
                    rm.put("id", n.id());
                    rm.put("running", n.running());
                    rm.put("role", n.role().name());
                    rm.put("membership", membership(s));
                    rm.put("term", n.term());
                    rm.put("leader", n.leader());
                    rm.put("commitIndex", n.commitIndex());
                    rm.put("appliedIndex", n.appliedIndex());
                    rm.put("lastIndex", n.lastIndex());
                    long lag = g.lag(r);
                    rm.put("lag", lag < 0 ? null : lag);
                    rm.put("snapshotIndex", s.snapshotIndex());
                    rm.put("snapshotBytes", s.snapshotBytes());
                    rm.put("diskBytes", s.diskBytes());
                    rm.put("nodeThreadStallMillis", s.stallMillis());
                    if (r.shards() != null) {
                        Map<String, Object> sm = new LinkedHashMap<>();
                        sm.put("configNum", r.shards().configNum());
                        sm.put("settled", r.shards().settled());
                        sm.put("byState", ClusterStatus.shardsByState(r.shards()));
                        Map<String, Object> keys = new LinkedHashMap<>();
                        r.shards().keys().forEach((shard, n2) -> keys.put(Integer.toString(shard), n2));
                        sm.put("keys", keys);
                        rm.put("shards", sm);
                    }
                }
                rm.put("error", r.error());
                replicas.add(rm);
            }
            gm.put("replicas", replicas);
            groups.add(gm);
        }
        m.put("groups", groups);
        return m;
    }
}
