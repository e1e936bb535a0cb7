package io.shardkv.cli;

import io.shardkv.raft.server.AdminReply;
import io.shardkv.raft.server.MembershipReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code shardkv admin move-leader}: hands a group's leadership to a caught-up voter (no election timeout). */
@Command(name = "move-leader", mixinStandardHelpOptions = true,
        description = "Hand a group's leadership to another voter, e.g. before restarting the leader.")
final class MoveLeaderCommand implements Callable<Integer> {

    @ParentCommand
    AdminCommand admin;

    @ArgGroup(exclusive = false, multiplicity = "1")
    MemberTarget target;

    @Option(names = "--to", required = true, description = "The voter to lead.")
    int to;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = admin.spec.commandLine().getOut();
        try (GroupAdmin group = target.open(admin.target)) {
            MembershipReport before = group.report();
            if (!before.config().isVoter(to)) {
                throw new IllegalArgumentException(target.name() + ": " + to + " is not a voter of " + before.config());
            }
            if (before.leader() != to) {
                AdminReply reply = group.transferLeadership(to);
                if (reply.status() != AdminReply.Status.DONE) {
                    throw new IllegalStateException(target.name() + ": leadership not moved ("
                            + reply.status().name().toLowerCase() + "): " + reply.message());
                }
                long deadline = System.nanoTime() + admin.target.clientConfig().callTimeout().toNanos();
                while (group.report().leader() != to) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(target.name() + ": " + to + " did not take over in time (it may"
                                + " be behind or unreachable); the leader is " + group.report().leader());
                    }
                    Thread.sleep(50);
                }
            }
            out.println(target.name() + ": " + to + " leads");
            MemberCommand.print(out, target.name(), group.report());
            return 0;
        }
    }
}
