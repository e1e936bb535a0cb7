package io.shardkv.cli;

import io.shardkv.raft.core.ReplicationProgress;
import io.shardkv.raft.core.confchange.ConfChange;
import io.shardkv.raft.core.tracker.MembershipConfig;
import io.shardkv.raft.server.AdminReply;
import io.shardkv.raft.server.MembershipReport;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code shardkv admin member}: a Raft group's members — list, add, remove, promote. */
@Command(name = "member", mixinStandardHelpOptions = true,
        description = "Show or change the members of a shard group or of the controller group.",
        subcommands = {MemberCommand.ListMembers.class, MemberCommand.Add.class, MemberCommand.Remove.class,
            MemberCommand.Promote.class})
final class MemberCommand {

    @ParentCommand
    AdminCommand admin;

    /** Prints a group's members, its leader and, from the leader, how far each member is behind. */
    static void print(PrintWriter out, String name, MembershipReport r) {
        MembershipConfig c = r.config();
        out.println(name + ": leader " + (r.leader() == 0 ? "unknown" : r.leader()) + ", configuration at index "
                + r.index() + (r.committed() ? "" : " (not yet committed)") + (c.isJoint()
                ? ", joint: leaving " + c.voters().outgoing() + " for " + c.voters().incoming() : ""));
        Map<Integer, ReplicationProgress> progress = new TreeMap<>();
        r.progress().forEach(p -> progress.put(p.id(), p));
        for (int id : c.members()) {
            String role = c.isLearner(id) ? "learner" : c.voters().incoming().contains(id) ? "voter" : "outgoing voter";
            ReplicationProgress p = progress.get(id);
            String lag = id == r.leader() ? "leader, last index " + r.lastIndex()
                    : p == null ? "" : "match " + p.match() + ", behind " + p.entriesBehind() + " entries ("
                            + bytes(p.bytesBehind()) + ")";
            out.printf("  %-4d %-15s %-22s %s%n", id, role, c.addresses().getOrDefault(id, "-"), lag);
        }
        out.flush();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format("%.1f KiB", n / 1024.0);
        }
        return String.format("%.1f MiB", n / (1024.0 * 1024));
    }

    /** Makes one change and prints the outcome; a refusal is a failure with the leader's reason. */
    static int run(AdminCommand admin, MemberTarget target, ConfChange change) throws Exception {
        try (GroupAdmin group = target.open(admin.target)) {
            AdminReply reply = group.change(change);
            PrintWriter out = admin.spec.commandLine().getOut();
            if (reply.status() != AdminReply.Status.DONE) {
                throw new IllegalStateException(target.name() + ": " + change + " not made ("
                        + reply.status().name().toLowerCase() + "): " + reply.message());
            }
            out.println(target.name() + ": " + change + " " + reply.message());
            MembershipReport after = group.report();
            print(out, target.name(), after);
            target.recordServers(admin.target, after, out);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Show the members and how far behind each is.")
    static final class ListMembers implements Callable<Integer> {
        @ParentCommand
        MemberCommand member;

        @ArgGroup(exclusive = false, multiplicity = "1")
        MemberTarget target;

        @Override
        public Integer call() throws Exception {
            try (GroupAdmin group = target.open(member.admin.target)) {
                print(member.admin.spec.commandLine().getOut(), target.name(), group.report());
                return 0;
            }
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a replica, started with --join, as a voter or (--learner) a learner.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        MemberCommand member;

        @ArgGroup(exclusive = false, multiplicity = "1")
        MemberTarget target;

        @Option(names = "--id", required = true, description = "The new replica's id in the group.")
        int id;

        @Option(names = "--address", required = true, paramLabel = "HOST:PORT", description = "Where it listens.")
        String address;

        @Option(names = "--learner", description = "Add it as a learner: it catches up without counting toward any quorum.")
        boolean learner;

        @Override
        public Integer call() throws Exception {
            String hostPort = Peers.list(address).get(0);
            return run(member.admin, target, ConfChange.of(new ConfChange.Op(
                    learner ? ConfChange.Type.ADD_LEARNER : ConfChange.Type.ADD_VOTER, id, hostPort)));
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a replica (voter or learner); a leader removing itself hands leadership over.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        MemberCommand member;

        @ArgGroup(exclusive = false, multiplicity = "1")
        MemberTarget target;

        @Option(names = "--id", required = true, description = "The replica to remove.")
        int id;

        @Override
        public Integer call() throws Exception {
            return run(member.admin, target, ConfChange.remove(id));
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true, description = "Make a learner a voter.")
    static final class Promote implements Callable<Integer> {
        @ParentCommand
        MemberCommand member;

        @ArgGroup(exclusive = false, multiplicity = "1")
        MemberTarget target;

        @Option(names = "--id", required = true, description = "The learner to promote.")
        int id;

        @Override
        public Integer call() throws Exception {
            try (GroupAdmin group = target.open(member.admin.target)) {
                if (!group.report().config().isLearner(id)) {
                    throw new IllegalArgumentException(target.name() + ": " + id + " is not a learner; members are "
                            + group.report().config());
                }
            }
            return run(member.admin, target, ConfChange.addVoter(id));
        }
    }
}
