package io.shardkv.cli;

import io.shardkv.client.ClientConfig;
import io.shardkv.rpc.ctrler.Shards;
import io.shardkv.rpc.tls.CertificateAuthority;
import io.shardkv.rpc.tls.Role;
import io.shardkv.rpc.tls.TlsConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A local cluster on 127.0.0.1: which processes it has, their ports and directories, kept in
 * {@code DIR/cluster.properties} so that later commands (status, stop, cli, a second start) find
 * it. Ports: controllers at base+1..; group k (from 0) at base + 10 * (k + 1) + replica. Each Raft
 * group's member ids (controllers: 0) start as 1..replicas and change as {@code local replace}
 * replaces replicas (ids 1–9, never reused).
 */
record LocalLayout(Path dir, String clusterId, int shards, int groups, int replicas, int basePort,
                   Map<Integer, List<Integer>> members) {

    /** The highest replica id a local Raft group can have: its ports are base + 10k + 1..9. */
    static final int MAX_ID = 9;

    static final String FILE = "cluster.properties";
    static final int FIRST_GID = 100;
    static final int METRICS_OFFSET = 1000;
    /** A shard-group replica serves Redis clients 2000 above its port. */
    static final int REDIS_OFFSET = 2000;
    /** The certificate (role admin) the local commands use on a cluster with TLS. */
    static final String ADMIN_CERTIFICATE = "admin";

    /** One process of the cluster. */
    record Process(String name, String role, int gid, int id, int port) {
        String address() {
            return "127.0.0.1:" + port;
        }

        /** Where its Prometheus metrics are served: 1000 above its port. */
        int metricsPort() {
            return port + METRICS_OFFSET;
        }

        /** Where a shard-group replica serves Redis clients: 2000 above its port; 0 for a controller. */
        int redisPort() {
            return role.equals("server") ? port + REDIS_OFFSET : 0;
        }
    }

    /** A new cluster: every Raft group with replicas 1..{@code replicas}. */
    LocalLayout(Path dir, String clusterId, int shards, int groups, int replicas, int basePort) {
        this(dir, clusterId, shards, groups, replicas, basePort, Map.of());
    }

    LocalLayout {
        if (groups < 1 || groups > 9) {
            throw new IllegalArgumentException("--groups must be 1 to 9, got " + groups);
        }
        if (replicas < 1 || replicas > 9) {
            throw new IllegalArgumentException("--replicas must be 1 to 9, got " + replicas);
        }
        if (Shards.invalidCount(shards) != null) {
            throw new IllegalArgumentException("--shards: " + Shards.invalidCount(shards));
        }
        int highest = 65_535 - 10 * (groups + 1) - REDIS_OFFSET;
        if (basePort < 1024 || basePort > highest) {
            throw new IllegalArgumentException("--base-port must be 1024 to " + highest + " (room above it for "
                    + groups + " groups and their metrics and Redis ports, below 65536), got " + basePort);
        }
        Map<Integer, List<Integer>> all = new TreeMap<>();
        List<Integer> initial = IntStream.rangeClosed(1, replicas).boxed().toList();
        for (int raftGroup : raftGroups(groups)) {
            List<Integer> ids = members.getOrDefault(raftGroup, initial).stream().sorted().toList();
            if (ids.isEmpty() || ids.get(0) < 1 || ids.get(ids.size() - 1) > MAX_ID) {
                throw new IllegalArgumentException("replica ids of group " + raftGroup + " must be 1 to " + MAX_ID
                        + ", got " + ids);
            }
            all.put(raftGroup, ids);
        }
        members = Map.copyOf(all);
    }

    /** The Raft groups' keys in {@link #members}: 0 for the controllers, then every gid. */
    private static List<Integer> raftGroups(int groups) {
        List<Integer> out = new ArrayList<>(List.of(0));
        for (int g = 0; g < groups; g++) {
            out.add(FIRST_GID + g);
        }
        return out;
    }

    /** This layout with {@code raftGroup}'s (0: the controllers) members {@code ids}. */
    LocalLayout withMembers(int raftGroup, List<Integer> ids) {
        Map<Integer, List<Integer>> next = new TreeMap<>(members);
        next.put(raftGroup, List.copyOf(ids));
        return new LocalLayout(dir, clusterId, shards, groups, replicas, basePort, next);
    }

    /** Replica {@code id} of Raft group {@code raftGroup} (0: the controllers), member or not. */
    Process process(int raftGroup, int id) {
        if (raftGroup == 0) {
            return new Process("ctrler-" + id, "ctrler", 0, id, basePort + id);
        }
        int group = raftGroup - FIRST_GID;
        return new Process("server-" + raftGroup + "-" + id, "server", raftGroup, id, basePort + 10 * (group + 1) + id);
    }

    static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    static LocalLayout load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no local cluster in " + dir + " (start one with: shardkv local start --dir "
                    + dir + ")");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        try {
            int groups = Integer.parseInt(p.getProperty("groups"));
            Map<Integer, List<Integer>> members = new TreeMap<>();
            for (int raftGroup : raftGroups(groups)) {
                String ids = p.getProperty("members." + raftGroup);
                if (ids != null) {
                    members.put(raftGroup, Arrays.stream(ids.split(",")).map(String::strip).map(Integer::valueOf).toList());
                }
            }
            return new LocalLayout(dir, p.getProperty("cluster-id"), Integer.parseInt(p.getProperty("shards")),
                    groups, Integer.parseInt(p.getProperty("replicas")), Integer.parseInt(p.getProperty("base-port")),
                    members);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " is damaged: " + e.getMessage());
        }
    }

    void save() throws IOException {
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("cluster-id", clusterId);
        p.setProperty("shards", Integer.toString(shards));
        p.setProperty("groups", Integer.toString(groups));
        p.setProperty("replicas", Integer.toString(replicas));
        p.setProperty("base-port", Integer.toString(basePort));
        members.forEach((raftGroup, ids) -> p.setProperty("members." + raftGroup,
                ids.stream().map(String::valueOf).collect(Collectors.joining(","))));
        try (Writer w = Files.newBufferedWriter(dir.resolve(FILE), StandardCharsets.UTF_8)) {
            p.store(w, "shardkv local cluster");
        }
    }

    int gid(int group) {
        return FIRST_GID + group;
    }

    List<Process> controllers() {
        return members.get(0).stream().map(id -> process(0, id)).toList();
    }

    List<Process> group(int group) {
        return members.get(gid(group)).stream().map(id -> process(gid(group), id)).toList();
    }

    List<Process> all() {
        List<Process> out = new ArrayList<>(controllers());
        for (int g = 0; g < groups; g++) {
            out.addAll(group(g));
        }
        return out;
    }

    static String peers(List<Process> members) {
        StringBuilder b = new StringBuilder();
        for (Process p : members) {
            b.append(b.length() == 0 ? "" : ",").append(p.id()).append('=').append(p.address());
        }
        return b.toString();
    }

    static List<String> addresses(List<Process> members) {
        return members.stream().map(Process::address).toList();
    }

    /** The cluster CA and every certificate of a cluster started with {@code --tls}. */
    Path tlsDir() {
        return dir.resolve("tls");
    }

    /** The tokens the cluster's servers accept from clients without a certificate (bin/shardkv certs token --file). */
    Path tokensFile() {
        return tlsDir().resolve("tokens");
    }

    /** Whether the cluster runs with mutual TLS: it has a CA. */
    boolean tls() {
        return Files.isRegularFile(tlsDir().resolve(CertificateAuthority.CA_CERTIFICATE));
    }

    /** The TLS files of {@code p}, issued by the cluster's CA now if {@code p} has none yet (a new replica). */
    TlsConfig tlsFor(Process p) throws IOException {
        TlsConfig files = TlsConfig.inDirectory(tlsDir(), p.name());
        if (!Files.exists(files.certificate())) {
            CertificateAuthority.load(tlsDir()).issue(p.name(), Role.SERVER, List.of("127.0.0.1", "localhost"),
                    files.certificate(), files.privateKey());
        }
        return files;
    }

    /** How the local commands reach the cluster: its controllers and cluster id, with TLS the admin certificate. */
    ClientConfig clientConfig() {
        ClientConfig c = ClientConfig.of(addresses(controllers())).withClusterId(clusterId);
        return tls() ? c.withTls(TlsConfig.inDirectory(tlsDir(), ADMIN_CERTIFICATE)) : c;
    }

    Path dataDir(Process p) {
        return dir.resolve("data").resolve(p.name());
    }

    Path logFile(Process p) {
        return dir.resolve("logs").resolve(p.name() + ".log");
    }

    Path pidFile(Process p) {
        return dir.resolve("run").resolve(p.name() + ".pid");
    }
}
