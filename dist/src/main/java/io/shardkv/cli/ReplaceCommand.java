package io.shardkv.cli;

import io.shardkv.raft.core.ReplicationProgress;
import io.shardkv.raft.core.confchange.ConfChange;
import io.shardkv.raft.server.AdminReply;
import io.shardkv.raft.server.MembershipReport;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code shardkv admin replace}: swaps a replica for a new one in one command — the new one joins
 * as a learner, catches up (progress shown), is promoted, and the old one is removed — so the group
 * never counts a replica that is still copying the data toward its quorum.
 */
@Command(name = "replace", mixinStandardHelpOptions = true,
        description = "Replace a replica by a new one (started with --join): add as learner, catch up, promote, remove the old.")
final class ReplaceCommand implements Callable<Integer> {

    @ParentCommand
    AdminCommand admin;

    @ArgGroup(exclusive = false, multiplicity = "1")
    MemberTarget target;

    @Option(names = "--old", required = true, description = "The replica to replace (it may be dead).")
    int old;

    @Option(names = "--new", required = true, paramLabel = "ID=HOST:PORT", description = "The new replica's id and address.")
    String fresh;

    @Option(names = "--max-lag", defaultValue = "64",
            description = "Promote once the learner is at most this many entries behind. Default: ${DEFAULT-VALUE}.")
    long maxLag;

    @Option(names = "--catch-up-timeout", defaultValue = "10m", paramLabel = "DURATION",
            description = "Give up (leaving the learner in place) if it has not caught up by then. Default: ${DEFAULT-VALUE}.")
    String catchUpTimeout;

    @Override
    public Integer call() throws Exception {
        int eq = fresh.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--new wants ID=HOST:PORT but got \"" + fresh + "\"");
        }
        int id;
        try {
            id = Integer.parseInt(fresh.substring(0, eq).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--new: \"" + fresh.substring(0, eq) + "\" is not a replica id");
        }
        String address = Peers.list(fresh.substring(eq + 1)).get(0);
        long deadline = System.nanoTime() + Durations.parse(catchUpTimeout, "--catch-up-timeout").toNanos();
        PrintWriter out = admin.spec.commandLine().getOut();
        try (GroupAdmin group = target.open(admin.target)) {
            MembershipReport before = group.report();
            if (!before.config().isVoter(old)) {
                throw new IllegalArgumentException(target.name() + ": " + old + " is not a voter of " + before.config());
            }
            long addedAt = before.index();
            if (!before.config().isLearner(id)) {
                addedAt = step(out, group, ConfChange.of(new ConfChange.Op(ConfChange.Type.ADD_LEARNER, id, address)),
                        "added " + id + " at " + address + " as a learner");
            }
            awaitCatchUp(out, group, id, addedAt, deadline);
            step(out, group, ConfChange.addVoter(id), "promoted " + id + " to voter");
            step(out, group, ConfChange.remove(old), "removed " + old);
            MembershipReport after = group.report();
            MemberCommand.print(out, target.name(), after);
            target.recordServers(admin.target, after, out);
            return 0;
        }
    }

    /** Makes {@code change}; returns the index it committed at. */
    private long step(PrintWriter out, GroupAdmin group, ConfChange change, String done) {
        AdminReply reply = group.change(change);
        if (reply.status() != AdminReply.Status.DONE) {
            throw new IllegalStateException(target.name() + ": " + change + " not made ("
                    + reply.status().name().toLowerCase() + "): " + reply.message());
        }
        out.println(target.name() + ": " + done + " (index " + reply.index() + ")");
        out.flush();
        return reply.index();
    }

    /**
     * Waits until the learner holds at least the entry that added it — so it is up and reached — and
     * is at most {@code --max-lag} entries behind the leader.
     */
    private void awaitCatchUp(PrintWriter out, GroupAdmin group, int id, long addedAt, long deadline)
            throws InterruptedException {
        long lastPrint = 0;
        while (true) {
            MembershipReport r = group.report();
            Optional<ReplicationProgress> p = r.progress().stream().filter(x -> x.id() == id).findFirst();
            if (p.isPresent() && p.get().match() >= addedAt && p.get().entriesBehind() <= maxLag) {
                out.println(target.name() + ": learner " + id + " caught up (" + p.get().entriesBehind()
                        + " entries behind)");
                return;
            }
            long now = System.nanoTime();
            if (now - lastPrint > 1_000_000_000L) {
                out.println(target.name() + ": learner " + id + " catching up: " + p.map(x -> x.entriesBehind()
                        + " entries (" + MemberCommand.bytes(x.bytesBehind()) + ") behind").orElse("no progress from a leader yet"));
                out.flush();
                lastPrint = now;
            }
            if (now > deadline) {
                throw new IllegalStateException(target.name() + ": learner " + id + " did not catch up within "
                        + catchUpTimeout + "; it stays a learner (remove it with admin member remove --id " + id + ")");
            }
            Thread.sleep(200);
        }
    }
}
