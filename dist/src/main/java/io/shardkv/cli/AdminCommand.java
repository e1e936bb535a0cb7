package io.shardkv.cli;

import io.shardkv.client.ClientConfig;
import io.shardkv.rpc.PermissionDeniedException;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ControllerException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code shardkv admin}: the controller's join, leave, move and query; the groups' members. */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Change or show the shard configuration and the members of the Raft groups.",
        subcommands = {AdminCommand.Join.class, AdminCommand.Leave.class, AdminCommand.Move.class,
            AdminCommand.Query.class, StatusCommand.class, MemberCommand.class, ReplaceCommand.class,
            MoveLeaderCommand.class, BackupCommand.class})
final class AdminCommand {

    @Mixin
    ClusterTarget target;

    @Spec
    CommandSpec spec;

    /** Whether and how long a configuration change waits for the shards it moved. */
    static final class WaitOptions {
        @Option(names = "--wait", description = {"Then wait until every shard the change moved is served by its new owner,",
            "printing progress (shards remaining, bytes pulled, time)."})
        boolean wait;

        @Option(names = "--wait-timeout", defaultValue = "10m", paramLabel = "DURATION",
                description = "How long --wait waits before it fails naming the shards still moving. Default: ${DEFAULT-VALUE}.")
        String timeout;
    }

    /** Runs one controller call and prints the configuration it returns. */
    int run(Function<ControllerSession, CompletableFuture<Config>> call) throws Exception {
        return run(call, null);
    }

    /** The same, then, if {@code wait} asks for it, waits until the shards the change moved are served. */
    int run(Function<ControllerSession, CompletableFuture<Config>> call, WaitOptions wait) throws Exception {
        ClientConfig c = target.clientConfig();
        Duration waitLimit = wait != null && wait.wait ? Durations.parse(wait.timeout, "--wait-timeout") : null;
        try (ControllerSession session = new ControllerSession(c.transportConfig(), c.controllers(), c.callTimeout())) {
            Config config;
            try {
                config = call.apply(session).get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ControllerException || e.getCause() instanceof PermissionDeniedException) {
                    throw new IllegalStateException("the controller refused: " + Main.oneLine(e.getCause()));
                }
                throw new IllegalStateException("the controller did not answer within " + c.callTimeout().toMillis()
                        + " ms: " + Main.oneLine(e.getCause()));
            }
            PrintWriter out = spec.commandLine().getOut();
            print(out, config);
            if (waitLimit != null) {
                Config before = config.num() == 0 ? null : session.clerk().query(config.num() - 1).get();
                try (MigrationWait waiting = new MigrationWait(c.transportConfig(), c.callTimeout())) {
                    waiting.await(config, MigrationWait.moved(before, config), waitLimit, out);
                }
            }
            return 0;
        }
    }

    static void print(PrintWriter out, Config c) {
        out.println("configuration " + c.num());
        c.groups().forEach((gid, servers) -> out.println("group " + gid + ": " + String.join(",", servers)
                + "  shards " + c.shardsOf(gid)));
        List<Integer> unassigned = c.shardsOf(Config.NO_GROUP);
        if (!unassigned.isEmpty()) {
            out.println("unassigned shards " + unassigned);
        }
        out.flush();
    }

    @Command(name = "join", mixinStandardHelpOptions = true,
            description = {"Add groups; shards rebalance onto them.",
                "Every server given must answer as a replica of its group first (--force skips the check). A group"
                    + " already joined with the same servers is left as it is; with other servers, refused."})
    static final class Join implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Mixin
        WaitOptions wait;

        @Option(names = "--group", required = true, paramLabel = "GID=HOST:PORT,...",
                description = "A group to add and its replicas' addresses; repeat for several.")
        List<String> groups;

        @Option(names = "--force", description = "Join even if the servers do not answer as replicas of the group (warned).")
        boolean force;

        @Override
        public Integer call() throws Exception {
            Map<Integer, List<String>> joining = Peers.groups(groups);
            ClientConfig c = admin.target.clientConfig();
            Config latest = ControllerSession.latest(c);
            Map<Integer, List<String>> fresh = new LinkedHashMap<>();
            for (Map.Entry<Integer, List<String>> g : joining.entrySet()) {
                List<String> current = latest.groups().get(g.getKey());
                if (current == null) {
                    fresh.put(g.getKey(), g.getValue());
                } else if (!new TreeSet<>(current).equals(new TreeSet<>(g.getValue()))) {
                    throw new IllegalArgumentException("group " + g.getKey() + " has already joined with servers "
                            + String.join(",", current) + "; change its members with admin member add/remove or"
                            + " admin replace, not join");
                }
            }
            if (!fresh.isEmpty()) {
                List<String> problems;
                try (JoinCheck check = new JoinCheck(c.transportConfig(), CHECK_TIMEOUT)) {
                    problems = check.problems(fresh);
                }
                if (!problems.isEmpty() && !force) {
                    throw new IllegalStateException("not joined: " + String.join("; ", problems)
                            + ". Check the addresses and start the group's servers, or give --force to join anyway");
                }
                problems.forEach(p -> admin.spec.commandLine().getErr().println("shardkv: warning (--force): " + p));
            }
            return admin.run(session -> session.joinMissing(joining), wait);
        }
    }

    /** How long a server given to join has to say which group it serves. */
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);

    @Command(name = "leave", mixinStandardHelpOptions = true, description = "Remove groups; their shards move to the others.")
    static final class Leave implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Mixin
        WaitOptions wait;

        @Option(names = "--gid", required = true, split = ",", description = "The groups to remove.")
        List<Integer> gids;

        @Override
        public Integer call() throws Exception {
            return admin.run(session -> session.clerk().leave(new ArrayList<>(gids)), wait);
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true, description = "Give one shard to one group.")
    static final class Move implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Mixin
        WaitOptions wait;

        @Option(names = "--shard", required = true, description = "The shard (0 to shards - 1).")
        int shard;

        @Option(names = "--gid", required = true, description = "The group that gets it.")
        int gid;

        @Override
        public Integer call() throws Exception {
            return admin.run(session -> session.clerk().move(shard, gid), wait);
        }
    }

    @Command(name = "query", mixinStandardHelpOptions = true, description = "Show a configuration (default: the latest).")
    static final class Query implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Option(names = "--num", defaultValue = "-1", description = "Which configuration; -1 for the latest.")
        long num;

        @Override
        public Integer call() throws Exception {
            return admin.run(session -> session.clerk().query(num));
        }
    }
}
