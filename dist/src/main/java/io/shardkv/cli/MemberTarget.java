package io.shardkv.cli;

import io.shardkv.client.ClientConfig;
import io.shardkv.raft.core.tracker.MembershipConfig;
import io.shardkv.raft.server.MembershipReport;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.ctrler.Config;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Which Raft group a membership command works on: a shard group, the controller group, or replicas named outright. */
final class MemberTarget {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
        @Option(names = "--group", paramLabel = "GID", description = "A shard group, found in the controller's latest configuration.")
        Integer gid;

        @Option(names = "--ctrler", description = "The controller group itself.")
        boolean ctrler;

        @Option(names = "--replicas", paramLabel = "HOST:PORT,...", description = "Any replicas of the group, named outright.")
        String replicas;
    }

    /** What to call the group in output. */
    String name() {
        return which.gid != null ? "group " + which.gid : which.ctrler ? "controller group" : "group at " + which.replicas;
    }

    /** A conversation with the group's replicas, in the cluster {@code cluster} names. */
    GroupAdmin open(ClusterTarget cluster) throws Exception {
        ClientConfig c = cluster.clientConfig();
        return new GroupAdmin(c.transportConfig(), replicas(c), c.callTimeout());
    }

    /**
     * After a change of a shard group's members, records them at the controller — the routing
     * clients and other groups use — so they find the new replicas without a restart. The
     * controller group and replicas named outright have no such record.
     */
    void recordServers(ClusterTarget cluster, MembershipReport report, PrintWriter out) throws Exception {
        if (which.gid == null) {
            return;
        }
        MembershipConfig c = report.config();
        List<String> servers = new ArrayList<>();
        for (int member : c.members()) {
            String a = c.addresses().get(member);
            if (a != null) {
                servers.add(a);
            }
        }
        ClientConfig client = cluster.clientConfig();
        try (ControllerSession session = new ControllerSession(client.transportConfig(), client.controllers(),
                client.callTimeout())) {
            Config recorded = session.clerk().setServers(Map.of(which.gid, servers)).get();
            out.println("controller: configuration " + recorded.num() + " records group " + which.gid + " at "
                    + String.join(",", servers));
            out.flush();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the membership changed, but the controller did not record group "
                    + which.gid + "'s servers " + servers + ": " + Main.oneLine(e.getCause())
                    + "; run the same command again, or admin member list to see where things stand");
        }
    }

    private List<String> replicas(ClientConfig c) throws Exception {
        if (which.replicas != null) {
            return Peers.list(which.replicas);
        }
        if (which.ctrler) {
            return c.controllers().stream().map(HostPort::format).toList();
        }
        Config latest = ControllerSession.latest(c);
        List<String> servers = latest.groups().get(which.gid);
        if (servers == null) {
            throw new IllegalArgumentException("group " + which.gid + " is not in configuration " + latest.num()
                    + " (groups: " + latest.groups().keySet() + ")");
        }
        return servers;
    }
}
