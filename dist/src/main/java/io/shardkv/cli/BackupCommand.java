package io.shardkv.cli;

import io.shardkv.client.ClientConfig;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.ctrler.Config;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shardkv admin backup}: a consistent backup of the whole cluster at the latest
 * configuration N, taken while clients write. Each group's leader captures its state at a
 * linearizable point once it has reached N with no shard moving; then the controller's state,
 * which must still end at N (else a configuration changed during the backup, and it fails). Each
 * shard is in exactly one image, holding every write acknowledged before the backup began.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Back up the whole cluster at its latest configuration while clients write.",
            "Every group's state and session tables and the controller's configurations, checksummed; restore with"
                + " `shardkv restore`."})
final class BackupCommand implements Callable<Integer> {

    @ParentCommand
    AdminCommand admin;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Where the backup goes: a new or empty directory.")
    Path out;

    @Option(names = "--backup-timeout", defaultValue = "10m", paramLabel = "DURATION",
            description = "How long the whole backup may take, waiting for shards in motion included. Default: ${DEFAULT-VALUE}.")
    String backupTimeout;

    @Option(names = "--parallel", defaultValue = "4", paramLabel = "N",
            description = "Groups backed up at once (each from its own leader). Default: ${DEFAULT-VALUE}.")
    int parallel;

    @Override
    public Integer call() throws Exception {
        if (parallel < 1) {
            throw new IllegalArgumentException("--parallel must be at least 1, got " + parallel);
        }
        ClientConfig c = admin.target.clientConfig();
        Duration limit = Durations.parse(backupTimeout, "--backup-timeout");
        requireEmpty(out);
        Files.createDirectories(out);
        PrintWriter pw = spec.commandLine().getOut();
        long start = System.nanoTime();
        Config config = ControllerSession.latest(c);
        List<Integer> unassigned = config.shardsOf(Config.NO_GROUP);
        if (!unassigned.isEmpty()) {
            throw new IllegalStateException("configuration " + config.num() + " assigns shards " + unassigned + " to no"
                    + " group: their data, if any, is frozen where it was and no backup of this configuration holds it;"
                    + " join a group first");
        }
        pw.printf("backing up configuration %d: %d groups, %d shards%n", config.num(), config.groups().size(),
                config.numShards());
        pw.flush();
        long deadline = start + limit.toNanos();
        SortedMap<Integer, BackupManifest.Part> groups = takeGroups(c, config, deadline, pw);
        BackupManifest.Part controller;
        try (BackupTaker taker = new BackupTaker(c.transportConfig(), c.callTimeout(), deadline, pw)) {
            List<String> controllers = c.controllers().stream().map(HostPort::format).toList();
            controller = taker.take("controller", controllers, config.num(), out.resolve("controller.img"));
        }
        new BackupManifest(c.clusterId(), config.numShards(), config.num(), Instant.now().toString(), controller, groups)
                .write(out);
        long bytes = controller.bytes() + groups.values().stream().mapToLong(BackupManifest.Part::bytes).sum();
        pw.printf("backup of configuration %d written to %s: %d images, %s, in %s%n", config.num(), out,
                groups.size() + 1, MemberCommand.bytes(bytes), MigrationWait.seconds(System.nanoTime() - start));
        pw.flush();
        return 0;
    }

    /** Every group's image, up to {@code --parallel} at once; the first failure fails the backup. */
    private SortedMap<Integer, BackupManifest.Part> takeGroups(ClientConfig c, Config config, long deadline,
                                                              PrintWriter pw) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, config.groups().size())));
        try {
            CompletionService<Map.Entry<Integer, BackupManifest.Part>> parts = new ExecutorCompletionService<>(pool);
            config.groups().forEach((gid, servers) -> parts.submit(() -> {
                try (BackupTaker taker = new BackupTaker(c.transportConfig(), c.callTimeout(), deadline, pw)) {
                    return Map.entry(gid, taker.take("group " + gid, servers, config.num(),
                            out.resolve("group-" + gid + ".img")));
                }
            }));
            SortedMap<Integer, BackupManifest.Part> done = new TreeMap<>();
            for (int i = 0; i < config.groups().size(); i++) {
                try {
                    Map.Entry<Integer, BackupManifest.Part> part = parts.take().get();
                    done.put(part.getKey(), part.getValue());
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
            return done;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void requireEmpty(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("--out " + dir + " is a file, not a directory");
            }
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + dir + " is not empty: a backup goes into a new"
                            + " or empty directory");
                }
            }
        }
    }
}
