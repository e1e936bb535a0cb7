package io.shardkv.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A local cluster on 127.0.0.1: which processes it has, their ports and directories, kept in
 * {@code DIR/cluster.properties} so that later commands (status, stop, cli, a second start) find
 * it. Ports: controllers at base+1..; group k (from 0) at base + 10 * (k + 1) + replica.
 */
record LocalLayout(Path dir, String clusterId, int shards, int groups, int replicas, int basePort) {

    static final String FILE = "cluster.properties";
    static final int FIRST_GID = 100;
    static final int METRICS_OFFSET = 1000;

    /** One process of the cluster. */
    record Process(String name, String role, int gid, int id, int port) {
        String address() {
            return "127.0.0.1:" + port;
        }

        /** Where its Prometheus metrics are served: 1000 above its port. */
        int metricsPort() {
            return port + METRICS_OFFSET;
        }
    }

    LocalLayout {
        if (groups < 1 || groups > 9) {
            throw new IllegalArgumentException("--groups must be 1 to 9, got " + groups);
        }
        if (replicas < 1 || replicas > 9) {
            throw new IllegalArgumentException("--replicas must be 1 to 9, got " + replicas);
        }
        if (shards < 1) {
            throw new IllegalArgumentException("--shards must be at least 1, got " + shards);
        }
        int highest = 65_535 - 10 * (groups + 1) - METRICS_OFFSET;
        if (basePort < 1024 || basePort > highest) {
            throw new IllegalArgumentException("--base-port must be 1024 to " + highest + " (room above it for "
                    + groups + " groups and their metrics ports, below 65536), got " + basePort);
        }
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
            return new LocalLayout(dir, p.getProperty("cluster-id"), Integer.parseInt(p.getProperty("shards")),
                    Integer.parseInt(p.getProperty("groups")), Integer.parseInt(p.getProperty("replicas")),
                    Integer.parseInt(p.getProperty("base-port")));
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
        try (Writer w = Files.newBufferedWriter(dir.resolve(FILE), StandardCharsets.UTF_8)) {
            p.store(w, "shardkv local cluster");
        }
    }

    int gid(int group) {
        return FIRST_GID + group;
    }

    List<Process> controllers() {
        List<Process> out = new ArrayList<>();
        for (int i = 1; i <= replicas; i++) {
            out.add(new Process("ctrler-" + i, "ctrler", 0, i, basePort + i));
        }
        return out;
    }

    List<Process> group(int group) {
        List<Process> out = new ArrayList<>();
        for (int i = 1; i <= replicas; i++) {
            out.add(new Process("server-" + gid(group) + "-" + i, "server", gid(group), i, basePort + 10 * (group + 1) + i));
        }
        return out;
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
