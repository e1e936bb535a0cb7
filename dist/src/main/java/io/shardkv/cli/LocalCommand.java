package io.shardkv.cli;

import io.shardkv.client.ClientConfig;
import io.shardkv.client.ShardKvClient;
import io.shardkv.raft.node.NodeStatus;
import io.shardkv.raft.server.StatusRequest;
import io.shardkv.raft.storage.FsyncPolicy;
import io.shardkv.raft.transport.RaftWireTypes;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.Shards;
import io.shardkv.rpc.tls.CertificateAuthority;
import io.shardkv.rpc.tls.Role;
import io.shardkv.rpc.tls.TlsConfig;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code shardkv local}: a whole cluster as background processes on 127.0.0.1. */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Start, inspect or stop a local cluster (controllers and shard groups as background processes).",
        subcommands = {LocalCommand.Start.class, LocalCommand.Status.class, LocalCommand.Stop.class,
            LocalCommand.Replace.class, LocalCommand.Restore.class})
final class LocalCommand {

    private static final Duration READY_LIMIT = Duration.ofSeconds(90);
    /** A local cluster's CA outlives any test or demo; its certificates last a year (rotate with bin/shardkv certs). */
    private static final Duration LOCAL_CA_VALIDITY = Duration.ofDays(10 * 365);

    @Option(names = "--dir", scope = ScopeType.INHERIT,
            description = "The cluster's directory: layout, data, logs, pid files. Default: ~/.shardkv/local.")
    Path dir;

    Path dir() {
        return dir == null ? ClusterTarget.DEFAULT_LOCAL_DIR : dir;
    }

    /** What every {@code local} subcommand has: the parent's directory and its own output. */
    abstract static class Subcommand implements Callable<Integer> {
        @ParentCommand
        LocalCommand local;

        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        LocalLayout layout() throws IOException {
            return LocalLayout.load(local.dir());
        }
    }

    static Optional<ProcessHandle> running(LocalLayout layout, LocalLayout.Process p) throws IOException {
        Path pidFile = layout.pidFile(p);
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().commandLine().map(c -> c.contains(p.name()) || c.contains("io.shardkv.cli.Main"))
                            .orElse(true));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Start every process of the cluster that is not running (on its existing data), join the"
                + " groups, wait until every shard is served, and print the addresses."})
    static final class Start extends Subcommand {
        @Option(names = "--groups", defaultValue = "3", description = "Shard groups (1-9). Default: ${DEFAULT-VALUE}.")
        int groups;

        @Option(names = "--replicas", defaultValue = "3", description = "Replicas per group, controller included (1-9). Default: ${DEFAULT-VALUE}.")
        int replicas;

        @Option(names = "--shards", defaultValue = "64", description = "Shards. Default: ${DEFAULT-VALUE}.")
        int shards;

        @Option(names = "--base-port", defaultValue = "7100",
                description = {"Controllers listen on base+1.., group k on base+10(k+1)+replica; each process's metrics",
                    "port is 1000 above its port, a group replica's Redis port 2000 above. Default: ${DEFAULT-VALUE}."})
        int basePort;

        @Option(names = "--cluster-id", defaultValue = "shardkv", description = "Default: ${DEFAULT-VALUE}.")
        String clusterId;

        @Option(names = "--fsync", defaultValue = "ALWAYS", description = "ALWAYS or NEVER (unsafe). Default: ${DEFAULT-VALUE}.")
        FsyncPolicy fsync;

        @Option(names = "--engine", defaultValue = "memory", paramLabel = "ENGINE",
                description = "Where each shard-group process started now keeps its shards' data: memory (the heap) or "
                        + "rocksdb (on disk, in its data directory). Default: ${DEFAULT-VALUE}.")
        Engine engine;

        @Option(names = "--tls", description = {"A new cluster runs with mutual TLS: a CA and a certificate per process are",
            "made in DIR/tls (role server; admin.pem, role admin, for the local commands). A cluster keeps what it",
            "was created with."})
        boolean tls;

        @Option(names = "--heap", defaultValue = "1g", paramLabel = "SIZE",
                description = "Maximum heap of each process started now, as java -Xmx takes it (512m, 4g). "
                        + "With --engine memory, a group's replicas hold its whole state in it. Default: ${DEFAULT-VALUE}.")
        String heap;

        @Option(names = "--gc", defaultValue = "serial", paramLabel = "COLLECTOR",
                description = "Garbage collector of each process started now: serial (least memory and CPU, for small "
                        + "states), parallel (same design, every core collecting: shorter pauses for states of "
                        + "hundreds of MB) or g1. Default: ${DEFAULT-VALUE}.")
        Collector gc;

        /** The JVM collectors a process may run with. */
        enum Collector {
            serial("-XX:+UseSerialGC"), parallel("-XX:+UseParallelGC"), g1("-XX:+UseG1GC");

            private final String flag;

            Collector(String flag) {
                this.flag = flag;
            }
        }

        @Override
        public Integer call() throws Exception {
            ProcessOptions jvm = new ProcessOptions(heap, gc, fsync, engine);
            PrintWriter out = out();
            Path dir = local.dir();
            LocalLayout layout;
            if (LocalLayout.exists(dir)) {
                layout = LocalLayout.load(dir);
                if (tls && !layout.tls()) {
                    throw new IllegalArgumentException("the cluster in " + dir + " was created without TLS; --tls"
                            + " applies to new clusters only");
                }
                out.printf("using the existing cluster in %s (%d groups x %d replicas, %d shards%s)%n", dir,
                        layout.groups(), layout.replicas(), layout.shards(), layout.tls() ? ", TLS" : "");
            } else {
                layout = new LocalLayout(dir, clusterId, shards, groups, replicas, basePort);
                layout.save();
                if (tls) {
                    CertificateAuthority ca = CertificateAuthority.create(layout.tlsDir(), "shardkv local CA ("
                            + clusterId + ")", LOCAL_CA_VALIDITY);
                    TlsConfig admin = TlsConfig.inDirectory(layout.tlsDir(), LocalLayout.ADMIN_CERTIFICATE);
                    ca.issue(LocalLayout.ADMIN_CERTIFICATE, Role.ADMIN, List.of(), admin.certificate(), admin.privateKey());
                    Files.writeString(layout.tokensFile(), "# NAME ROLE sha256:HASH, one per token: bin/shardkv certs token"
                            + " --file " + layout.tokensFile() + " --name NAME --role ROLE\n", StandardCharsets.UTF_8);
                    out.printf("TLS: a CA and certificates in %s%n", layout.tlsDir());
                }
            }
            long start = System.nanoTime();
            List<LocalLayout.Process> started = new ArrayList<>();
            for (LocalLayout.Process p : layout.all()) {
                if (running(layout, p).isEmpty()) {
                    spawn(layout, p, jvm, false);
                    started.add(p);
                }
            }
            out.printf("%d processes started, %d already running%n", started.size(), layout.all().size() - started.size());
            out.flush();
            ClientConfig client = layout.clientConfig().withCallTimeout(READY_LIMIT);
            Config config = StartupWatch.await(layout, started, () -> {
                Config joined = joinMissingGroups(layout, client);
                awaitEveryShardServed(layout, client);
                return joined;
            });
            out.printf("ready in %.1f s: %d shards served by %d groups (configuration %d)%n",
                    (System.nanoTime() - start) / 1e9, layout.shards(), layout.groups(), config.num());
            out.println("controllers: " + String.join(",", LocalLayout.addresses(layout.controllers())));
            for (int g = 0; g < layout.groups(); g++) {
                out.println("group " + layout.gid(g) + ":   " + String.join(",", LocalLayout.addresses(layout.group(g))));
            }
            String tlsFlags = "";
            if (layout.tls()) {
                TlsConfig admin = TlsConfig.inDirectory(layout.tlsDir(), LocalLayout.ADMIN_CERTIFICATE);
                tlsFlags = " --tls --cacert " + admin.trustedCa() + " --cert " + admin.certificate() + " --key "
                        + admin.privateKey();
            }
            out.println("redis:      " + String.join(",", redisAddresses(layout)) + " (redis-cli -c" + tlsFlags + " -p "
                    + layout.group(0).get(0).redisPort() + ")");
            out.println("metrics: http://127.0.0.1:PORT/metrics, PORT = a process's port + " + LocalLayout.METRICS_OFFSET);
            out.println("data, logs and pid files: " + dir);
            out.flush();
            return 0;
        }
    }

    private static List<String> redisAddresses(LocalLayout layout) {
        List<String> out = new ArrayList<>();
        for (int g = 0; g < layout.groups(); g++) {
            for (LocalLayout.Process p : layout.group(g)) {
                out.add("127.0.0.1:" + p.redisPort());
            }
        }
        return out;
    }

    /** Where a shard-group process keeps its shards' data (its --engine). */
    enum Engine { memory, rocksdb }

    /** How the processes started by one command run. */
    record ProcessOptions(String heap, Start.Collector gc, FsyncPolicy fsync, Engine engine) {
        ProcessOptions {
            if (!heap.matches("[1-9][0-9]*[kKmMgG]?")) {
                throw new IllegalArgumentException("--heap wants a size such as 512m or 4g, got \"" + heap + "\"");
            }
        }
    }

    /** Starts process {@code p} in the background (logging to its log file); {@code join}: as a replica that joins its group. */
    static void spawn(LocalLayout layout, LocalLayout.Process p, ProcessOptions jvm, boolean join) throws IOException {
        boolean redis = p.redisPort() != 0;
        for (int port : redis ? new int[] {p.port(), p.metricsPort(), p.redisPort()} : new int[] {p.port(), p.metricsPort()}) {
            if (portInUse(port)) {
                throw new IllegalStateException("port " + port + " (for " + p.name()
                        + ") is in use by another program; stop it or choose another --base-port");
            }
        }
        Files.createDirectories(layout.logFile(p).getParent());
        Files.createDirectories(layout.pidFile(p).getParent());
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xss512k", jvm.gc().flag, "-Xmx" + jvm.heap(),
                "-Dshardkv.process=" + p.name(), "-cp", ownClassPath(), Main.class.getName(), p.role(),
                "--id", Integer.toString(p.id()), "--data-dir", layout.dataDir(p).toString(),
                "--cluster-id", layout.clusterId(), "--shards", Integer.toString(layout.shards()),
                "--fsync", jvm.fsync().name(), "--metrics-port", Integer.toString(p.metricsPort()),
                "--metrics-address", "127.0.0.1"));
        List<LocalLayout.Process> peers = new ArrayList<>(p.role().equals("ctrler") ? layout.controllers()
                : layout.group(p.gid() - LocalLayout.FIRST_GID));
        if (!peers.contains(p)) {
            peers.add(p);
        }
        cmd.addAll(List.of("--peers", LocalLayout.peers(peers)));
        if (!p.role().equals("ctrler")) {
            cmd.addAll(List.of("--gid", Integer.toString(p.gid()),
                    "--controllers", String.join(",", LocalLayout.addresses(layout.controllers()))));
        }
        if (redis) {
            cmd.addAll(List.of("--redis-port", Integer.toString(p.redisPort()), "--redis-address", "127.0.0.1"));
        }
        if (p.role().equals("server")) {
            cmd.addAll(List.of("--engine", jvm.engine().name()));
        }
        if (join) {
            cmd.add("--join");
        }
        if (layout.tls()) {
            TlsConfig tls = layout.tlsFor(p);
            cmd.addAll(List.of("--tls-cert", tls.certificate().toString(), "--tls-key", tls.privateKey().toString(),
                    "--tls-ca", tls.trustedCa().toString()));
            if (Files.exists(layout.tokensFile())) {
                cmd.addAll(List.of("--tokens", layout.tokensFile().toString()));
            }
        }
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.logFile(p).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        Files.writeString(layout.pidFile(p), Long.toString(process.pid()), StandardCharsets.UTF_8);
    }

    private static boolean portInUse(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException free) {
            return false;
        }
    }

    private static Config joinMissingGroups(LocalLayout layout, ClientConfig client) throws Exception {
        Map<Integer, List<String>> groups = new LinkedHashMap<>();
        for (int g = 0; g < layout.groups(); g++) {
            groups.put(layout.gid(g), LocalLayout.addresses(layout.group(g)));
        }
        try (ControllerSession session = new ControllerSession(client.transportConfig(), client.controllers(), READY_LIMIT)) {
            return session.joinMissing(groups).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the controllers did not answer within " + READY_LIMIT.toSeconds()
                    + " s (see " + layout.logFile(layout.controllers().get(0)) + ")");
        }
    }

    /** Every shard answers a read (a key of each shard, absent or not) through the client. */
    private static void awaitEveryShardServed(LocalLayout layout, ClientConfig client) {
        try (ShardKvClient kv = ShardKvClient.connect(client)) {
            for (int shard = 0; shard < layout.shards(); shard++) {
                kv.get(keyOf(shard, layout.shards()));
            }
        }
    }

    private static byte[] keyOf(int shard, int shards) {
        for (int n = 0; ; n++) {
            byte[] k = ("__probe-" + n).getBytes(StandardCharsets.UTF_8);
            if (Shards.shardOf(k, shards) == shard) {
                return k;
            }
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
    }

    /** The shardkv jar this runs from, or (run from a build's classes, as in tests) this JVM's class path. */
    private static String ownClassPath() {
        try {
            Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(self) ? self.toString() : System.getProperty("java.class.path");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the shardkv jar: " + e.getMessage());
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Create a new local cluster from a backup of a local cluster (groups 100, 101, ...):"
                + " write every replica's data directory, then start it with local start."})
    static final class Restore extends Subcommand {
        @Option(names = "--from", required = true, paramLabel = "DIR", description = "The backup directory (admin backup).")
        Path from;

        @Option(names = "--replicas", defaultValue = "3", description = "Replicas per group, controller included (1-9). Default: ${DEFAULT-VALUE}.")
        int replicas;

        @Option(names = "--base-port", defaultValue = "7100",
                description = {"Controllers listen on base+1.., group k on base+10(k+1)+replica; each process's metrics",
                    "port is 1000 above its port, a group replica's Redis port 2000 above. Default: ${DEFAULT-VALUE}."})
        int basePort;

        @Override
        public Integer call() throws Exception {
            Path dir = local.dir();
            if (LocalLayout.exists(dir)) {
                throw new IllegalArgumentException("a local cluster already lives in " + dir + "; restore into a new --dir");
            }
            BackupManifest m = BackupManifest.read(from);
            List<Integer> expected = new ArrayList<>();
            for (int g = 0; g < m.groups().size(); g++) {
                expected.add(LocalLayout.FIRST_GID + g);
            }
            if (m.groups().isEmpty() || !expected.equals(new ArrayList<>(m.groups().keySet()))) {
                throw new IllegalArgumentException("a local cluster has groups " + LocalLayout.FIRST_GID + ", "
                        + (LocalLayout.FIRST_GID + 1) + ", ...; the backup has " + m.groups().keySet()
                        + ": restore it with `shardkv restore ctrler|server` instead");
            }
            BackupManifest.verify(from, m.controller());
            for (BackupManifest.Part part : m.groups().values()) {
                BackupManifest.verify(from, part);
            }
            LocalLayout layout = new LocalLayout(dir, m.clusterId(), m.shards(), m.groups().size(), replicas, basePort);
            Map<Integer, List<String>> servers = new LinkedHashMap<>();
            for (int g = 0; g < layout.groups(); g++) {
                servers.put(layout.gid(g), LocalLayout.addresses(layout.group(g)));
            }
            long start = System.nanoTime();
            for (LocalLayout.Process p : layout.controllers()) {
                RestoreCommand.seedController(from, m, Peers.byId(LocalLayout.peers(layout.controllers())), servers,
                        layout.dataDir(p));
            }
            for (int g = 0; g < layout.groups(); g++) {
                for (LocalLayout.Process p : layout.group(g)) {
                    RestoreCommand.seedGroup(from, m, layout.gid(g), Peers.byId(LocalLayout.peers(layout.group(g))),
                            layout.dataDir(p));
                }
            }
            layout.save();
            out().printf("restored configuration %d of cluster %s (%d groups, %d shards) into %s in %s; start it with:"
                    + " shardkv local start --dir %s%n", m.configuration(), m.clusterId(), layout.groups(), m.shards(),
                    dir, MigrationWait.seconds(System.nanoTime() - start), dir);
            out().flush();
            return 0;
        }
    }

    @Command(name = "replace", mixinStandardHelpOptions = true,
            description = {"Replace a replica of the local cluster by a new one with the next id on an empty disk: start it"
                + " with --join, run admin replace (learner, catch-up, promote, remove the old), then stop the old"
                + " process and delete its data."})
    static final class Replace extends Subcommand {
        @Option(names = "--group", paramLabel = "GID", description = "The shard group; without it, the controller group.")
        Integer group;

        @Option(names = "--replica", required = true, paramLabel = "ID", description = "The replica to replace (it may be dead).")
        int replica;

        @Option(names = "--heap", defaultValue = "1g", paramLabel = "SIZE", description = "The new process's maximum heap. Default: ${DEFAULT-VALUE}.")
        String heap;

        @Option(names = "--gc", defaultValue = "serial", paramLabel = "COLLECTOR",
                description = "The new process's collector: serial, parallel or g1. Default: ${DEFAULT-VALUE}.")
        Start.Collector gc;

        @Option(names = "--fsync", defaultValue = "ALWAYS", description = "ALWAYS or NEVER (unsafe). Default: ${DEFAULT-VALUE}.")
        FsyncPolicy fsync;

        @Option(names = "--engine", defaultValue = "memory", paramLabel = "ENGINE",
                description = "Where the new process keeps its shards' data (a shard-group replica): memory or rocksdb. "
                        + "Default: ${DEFAULT-VALUE}.")
        Engine engine;

        @Override
        public Integer call() throws Exception {
            ProcessOptions jvm = new ProcessOptions(heap, gc, fsync, engine);
            LocalLayout layout = layout();
            int raftGroup = group == null ? 0 : group;
            if (!layout.members().containsKey(raftGroup)) {
                throw new IllegalArgumentException("the local cluster has no group " + group + " (groups "
                        + LocalLayout.FIRST_GID + " to " + layout.gid(layout.groups() - 1) + ")");
            }
            List<Integer> ids = layout.members().get(raftGroup);
            if (!ids.contains(replica)) {
                throw new IllegalArgumentException("replica " + replica + " is not a member of " + what(raftGroup)
                        + " (members " + ids + ")");
            }
            int next = ids.get(ids.size() - 1) + 1;
            if (next > LocalLayout.MAX_ID) {
                throw new IllegalArgumentException(what(raftGroup) + " has used every replica id up to "
                        + LocalLayout.MAX_ID + " a local cluster has ports for");
            }
            LocalLayout.Process old = layout.process(raftGroup, replica);
            LocalLayout.Process fresh = layout.process(raftGroup, next);
            PrintWriter out = out();
            out.printf("starting %s at %s (--join)%n", fresh.name(), fresh.address());
            out.flush();
            spawn(layout, fresh, jvm, true);
            List<String> args = new ArrayList<>(List.of("admin", "--dir", local.dir().toString(), "replace"));
            args.addAll(raftGroup == 0 ? List.of("--ctrler") : List.of("--group", Integer.toString(raftGroup)));
            args.addAll(List.of("--old", Integer.toString(replica), "--new", next + "=" + fresh.address()));
            int exit = Main.commandLine().setOut(out).setErr(spec.commandLine().getErr())
                    .execute(args.toArray(String[]::new));
            if (exit != 0) {
                stop(layout, fresh);
                out.printf("the replacement failed; %s was stopped (its data is in %s). If it was added as a learner,"
                        + " remove it with: shardkv admin --dir %s member remove %s --id %d%n", fresh.name(),
                        layout.dataDir(fresh), local.dir(), raftGroup == 0 ? "--ctrler" : "--group " + raftGroup, next);
                out.flush();
                return exit;
            }
            stop(layout, old);
            deleteTree(layout.dataDir(old));
            List<Integer> now = new ArrayList<>(ids);
            now.remove(Integer.valueOf(replica));
            now.add(next);
            layout.withMembers(raftGroup, now).save();
            out.printf("%s replaced by %s; %s stopped and its data deleted%n", old.name(), fresh.name(), old.name());
            out.flush();
            return 0;
        }

        private static String what(int raftGroup) {
            return raftGroup == 0 ? "the controller group" : "group " + raftGroup;
        }
    }

    /** Stops {@code p} if it runs (SIGTERM; killed after 15 s) and removes its pid file. */
    private static void stop(LocalLayout layout, LocalLayout.Process p) throws IOException, InterruptedException {
        Optional<ProcessHandle> h = running(layout, p);
        if (h.isPresent()) {
            h.get().destroy();
            try {
                h.get().onExit().get(15, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                h.get().destroyForcibly();
            }
        }
        Files.deleteIfExists(layout.pidFile(p));
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "One line per process: role, gid, replica id, address, pid, alive, Raft role and term, log file.")
    static final class Status extends Subcommand {
        @Override
        public Integer call() throws Exception {
            LocalLayout layout = layout();
            PrintWriter out = out();
            out.printf("%-8s %-5s %-3s %-16s %-8s %-6s %-13s %-6s %s%n", "ROLE", "GID", "ID", "ADDRESS", "PID", "ALIVE",
                    "RAFT", "TERM", "LOG");
            int alive = 0;
            Codec codec = Codec.builder().install(new RaftWireTypes()).build();
            try (Transport transport = Transport.create(layout.clientConfig().transportConfig(), codec)) {
                for (LocalLayout.Process p : layout.all()) {
                    Optional<ProcessHandle> h = running(layout, p);
                    alive += h.isPresent() ? 1 : 0;
                    Optional<NodeStatus> raft = h.isPresent() ? status(transport, p) : Optional.empty();
                    out.printf("%-8s %-5s %-3d %-16s %-8s %-6s %-13s %-6s %s%n", p.role(),
                            p.gid() == 0 ? "-" : Integer.toString(p.gid()), p.id(), p.address(),
                            h.map(x -> Long.toString(x.pid())).orElse("-"), h.isPresent() ? "yes" : "no",
                            raft.map(r -> r.role().name()).orElse("-"), raft.map(r -> Long.toString(r.term())).orElse("-"),
                            layout.logFile(p));
                }
            }
            out.printf("%d of %d processes alive%n", alive, layout.all().size());
            out.flush();
            return alive == layout.all().size() ? 0 : Main.FAILED;
        }
    }

    /** A replica's Raft status, or empty if it does not answer within a second. */
    private static Optional<NodeStatus> status(Transport transport, LocalLayout.Process p) {
        return StatusRequest.ask(transport, HostPort.parse(p.address()), Duration.ofSeconds(1));
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop every process (SIGTERM: each finishes in-flight work and closes its storage). Data stays.")
    static final class Stop extends Subcommand {
        @Override
        public Integer call() throws Exception {
            LocalLayout layout = layout();
            List<ProcessHandle> stopping = new ArrayList<>();
            for (LocalLayout.Process p : layout.all()) {
                running(layout, p).ifPresent(h -> {
                    h.destroy();
                    stopping.add(h);
                });
            }
            int forced = 0;
            for (ProcessHandle h : stopping) {
                try {
                    h.onExit().get(15, TimeUnit.SECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    h.destroyForcibly();
                    forced++;
                }
            }
            for (LocalLayout.Process p : layout.all()) {
                Files.deleteIfExists(layout.pidFile(p));
            }
            out().printf("%d processes stopped%s; data kept in %s%n", stopping.size(),
                    forced == 0 ? "" : " (" + forced + " killed after 15 s)", local.dir());
            out().flush();
            return 0;
        }
    }
}
