package io.shardkv.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import io.shardkv.client.ClientConfig;
import io.shardkv.client.ShardKvClient;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.node.NodeStatus;
import io.shardkv.raft.server.MembershipReport;
import io.shardkv.raft.server.MembershipRequest;
import io.shardkv.raft.server.StatusRequest;
import io.shardkv.raft.transport.RaftWireTypes;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.PeerConnection;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ControllerClerk;
import io.shardkv.rpc.ctrler.CtrlerWireTypes;
import io.shardkv.rpc.ctrler.Shards;
import io.shardkv.rpc.tls.TlsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;

/**
 * The cluster under test: 3 controller replicas and 3 shard groups of 3 replicas, each in its own
 * container on a private Docker network, every container with a fixed IP and an alias (its name),
 * a memory limit and the label {@value #LABEL}. The test process talks to the servers directly at
 * their IPs from the host (the network's bridge is on the host), through the public client.
 *
 * <p>Fault primitives — disconnect, iptables partitions, SIGKILL, pause, torn WAL tails — keep
 * track of what they did so that {@link #healAll()} undoes everything. {@link #close()} removes
 * every container and the network even when the test failed (Ryuk is unavailable), after saving
 * each server's log under {@code target/it-logs}.
 */
final class ContainerCluster implements AutoCloseable {

    static final String LABEL = "io.shardkv.it";
    static final int PORT = 7000;
    /** Every shard-group replica's Redis port (with TLS, as its cluster port). */
    static final int REDIS_PORT = 6379;
    static final int SHARDS = 16;
    static final List<Integer> GIDS = List.of(1, 2, 3);
    /** How long a started server may take to answer (JVM start on a busy 2-core machine included). */
    static final Duration READY = Duration.ofSeconds(120);
    private static final long MEMORY_BYTES = 512L << 20;
    /** C1 only: twelve JVMs warming up at once on two cores would otherwise spend seconds in C2. */
    private static final String JVM_OPTIONS = "-Xmx256m -XX:TieredStopAtLevel=1";
    /** Small, so snapshots, log compaction and snapshot installs all happen during a test. */
    private static final String SNAPSHOT_BYTES = Integer.toString(256 * 1024);
    /** The operations port (metrics and probes) the image's HEALTHCHECK reads. */
    private static final String OPS_PORT = "8000";

    private final DockerClient docker = DockerClientFactory.instance().client();
    private final String name;
    private final String networkId;
    private final List<ClusterNode> controllers;
    private final Map<Integer, List<ClusterNode>> groups;
    private final String prefix;
    private final String ctrlOptions;
    private final Transport transport;
    private ControllerClerk admin;
    private final Path logDir;
    /** The highest replica id each Raft group (0: the controllers) ever had: ids are never reused. */
    private final Map<Integer, Integer> highestId = new ConcurrentHashMap<>();

    private final Set<ClusterNode> stopped = ConcurrentHashMap.newKeySet();
    private final Set<ClusterNode> paused = ConcurrentHashMap.newKeySet();
    private final Set<ClusterNode> disconnected = ConcurrentHashMap.newKeySet();
    private final Set<ClusterNode> firewalled = ConcurrentHashMap.newKeySet();
    private final ClusterCertificates certificates;
    /** What every shard-group replica is started with to choose its engine. */
    private final List<String> engineFlags;

    private ContainerCluster(String name, String networkId, String prefix, ClusterCertificates certificates,
                             String engine) {
        this.name = name;
        this.engineFlags = engineFlags(engine);
        this.certificates = certificates;
        this.networkId = networkId;
        this.prefix = prefix;
        String ctrlPeers = peers(prefix, 10);
        this.controllers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            controllers.add(new ClusterNode("ctrl-" + i, 0, i, prefix + (10 + i), List.of("ctrler", "--id",
                    Integer.toString(i), "--peers", ctrlPeers, "--data-dir", "/data", "--shards",
                    Integer.toString(SHARDS), "--snapshot-bytes", SNAPSHOT_BYTES, "--metrics-port", OPS_PORT)));
        }
        String ctrlAddresses = controllers.stream().map(ClusterNode::address).collect(Collectors.joining(","));
        this.ctrlOptions = ctrlAddresses;
        this.groups = new LinkedHashMap<>();
        for (int gid : GIDS) {
            List<ClusterNode> replicas = new ArrayList<>();
            String peers = peers(prefix, 10 + 10 * gid);
            for (int i = 1; i <= 3; i++) {
                replicas.add(new ClusterNode("g" + gid + "-r" + i, gid, i, prefix + (10 + 10 * gid + i), concat(List.of(
                        "server", "--gid", Integer.toString(gid), "--id", Integer.toString(i), "--peers", peers,
                        "--controllers", ctrlAddresses, "--data-dir", "/data", "--shards", Integer.toString(SHARDS),
                        "--snapshot-bytes", SNAPSHOT_BYTES, "--metrics-port", OPS_PORT,
                        "--redis-port", Integer.toString(REDIS_PORT)), engineFlags)));
            }
            groups.put(gid, replicas);
        }
        Codec codec = Codec.builder().install(new RaftWireTypes()).install(new CtrlerWireTypes()).build();
        this.transport = Transport.create(clientConfig(Duration.ofSeconds(60)).transportConfig(), codec);
        this.admin = controllerClerk();
        this.logDir = Path.of("target", "it-logs", name);
        highestId.put(0, 3);
        GIDS.forEach(gid -> highestId.put(gid, 3));
    }

    private ControllerClerk controllerClerk() {
        return new ControllerClerk(transport, controllers.stream().map(n -> HostPort.parse(n.address())).toList(),
                Duration.ofSeconds(60));
    }

    /**
     * {@code --engine} and, for RocksDB, memory limits that fit the container beside the heap: a
     * block cache and two memtables of 16 MiB each.
     */
    private static List<String> engineFlags(String engine) {
        return engine.equals("memory") ? List.of("--engine", engine)
                : List.of("--engine", engine, "--engine-block-cache", "16m", "--engine-write-buffer", "16m");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String peers(String prefix, int base) {
        return Stream.of(1, 2, 3).map(i -> i + "=" + prefix + (base + i) + ":" + PORT).collect(Collectors.joining(","));
    }

    /**
     * Starts the twelve servers, joins the three groups and returns once every shard is served.
     * {@code name} names the containers' log directory.
     */
    static ContainerCluster start(String name) throws Exception {
        return start(name, "memory");
    }

    /** As {@link #start(String)}, every shard-group replica keeping its shards' data in {@code engine} (its --engine). */
    static ContainerCluster start(String name, String engine) throws Exception {
        DockerRequirement.ensure();
        String image = ServerImage.name();
        DockerClient docker = DockerClientFactory.instance().client();
        removeLeftovers(docker);
        Random random = new Random();
        String networkId = null;
        String prefix = null;
        DockerException last = null;
        for (int attempt = 0; attempt < 10 && networkId == null; attempt++) {
            prefix = "172.31." + (1 + random.nextInt(254)) + ".";
            try {
                networkId = docker.createNetworkCmd().withName("shardkv-it-" + name).withDriver("bridge")
                        .withLabels(Map.of(LABEL, "true"))
                        .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config()
                                .withSubnet(prefix + "0/24").withGateway(prefix + "1")))
                        .exec().getId();
            } catch (DockerException e) {
                last = e; // the subnet overlaps a network of someone else's: draw another
            }
        }
        if (networkId == null) {
            throw new IllegalStateException("cannot create the test network", last);
        }
        ClusterCertificates certificates = ClusterCertificates.create(Path.of("target", "it-tls", name));
        ContainerCluster cluster = new ContainerCluster(name, networkId, prefix, certificates, engine);
        try {
            for (ClusterNode n : cluster.nodes()) {
                cluster.create(image, n);
            }
            for (ClusterNode n : cluster.nodes()) {
                cluster.docker.startContainerCmd(n.containerId()).exec();
            }
            for (ClusterNode n : cluster.nodes()) {
                cluster.awaitAnswering(n);
            }
            Map<Integer, List<String>> joining = new LinkedHashMap<>();
            cluster.groups.forEach((gid, replicas) -> joining.put(gid, addresses(replicas)));
            cluster.admin.join(joining).get(READY.toSeconds(), TimeUnit.SECONDS);
            cluster.awaitEveryShardServed();
            cluster.awaitHealthy();
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    /** Containers and networks a killed test run left behind (Ryuk is not there to remove them). */
    private static void removeLeftovers(DockerClient docker) {
        for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(LABEL, "true")).exec()) {
            docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
        }
        for (Network n : docker.listNetworksCmd().exec()) {
            if (n.getLabels() != null && n.getLabels().containsKey(LABEL)) {
                docker.removeNetworkCmd(n.getId()).exec();
            }
        }
    }

    private void create(String image, ClusterNode n) throws IOException {
        certificates.issue(n);
        List<String> command = new ArrayList<>(n.command());
        command.addAll(ClusterCertificates.flags());
        String id = docker.createContainerCmd(image)
                .withName("shardkv-it-" + name + "-" + n.name())
                .withLabels(Map.of(LABEL, "true"))
                .withEnv("JAVA_TOOL_OPTIONS=" + JVM_OPTIONS)
                .withCmd(command)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("shardkv-it-" + name)
                        .withBinds(certificates.bind(n))
                        .withMemory(MEMORY_BYTES).withMemorySwap(MEMORY_BYTES))
                .withIpv4Address(n.ip())
                .withAliases(n.name())
                .exec().getId();
        n.containerId(id);
    }

    private static List<String> addresses(List<ClusterNode> replicas) {
        return replicas.stream().map(ClusterNode::address).toList();
    }

    // ---- topology -------------------------------------------------------------------------

    List<ClusterNode> controllers() {
        return controllers;
    }

    List<ClusterNode> group(int gid) {
        return groups.get(gid);
    }

    List<ClusterNode> servers() {
        return groups.values().stream().flatMap(List::stream).toList();
    }

    List<ClusterNode> nodes() {
        return Stream.concat(controllers.stream(), servers().stream()).toList();
    }

    /** The Raft groups: the controllers first, then each shard group. */
    List<List<ClusterNode>> raftGroups() {
        List<List<ClusterNode>> all = new ArrayList<>();
        all.add(controllers);
        all.addAll(groups.values());
        return all;
    }

    List<String> controllerAddresses() {
        return addresses(controllers);
    }

    ShardKvClient client(Duration callTimeout) {
        return ShardKvClient.connect(clientConfig(callTimeout));
    }

    /** Where Redis clients reach the shard-group replicas now: each one's Redis port. */
    List<String> redisAddresses() {
        return servers().stream().map(n -> n.ip() + ":" + REDIS_PORT).toList();
    }

    /** The test's certificate (role admin), for its clients of every port. */
    TlsConfig adminTls() {
        return certificates.admin();
    }

    /** How the test's clients reach the cluster: over TLS with the admin certificate. */
    private ClientConfig clientConfig(Duration callTimeout) {
        return ClientConfig.of(controllerAddresses()).withCallTimeout(callTimeout).withTls(certificates.admin());
    }

    ControllerClerk admin() {
        return admin;
    }

    /** Joins {@code gid} again with its replicas' addresses. */
    Config join(int gid) throws Exception {
        return admin.join(Map.of(gid, addresses(groups.get(gid)))).get(READY.toSeconds(), TimeUnit.SECONDS);
    }

    Config leave(int gid) throws Exception {
        return admin.leave(List.of(gid)).get(READY.toSeconds(), TimeUnit.SECONDS);
    }

    Config move(int shard, int gid) throws Exception {
        return admin.move(shard, gid).get(READY.toSeconds(), TimeUnit.SECONDS);
    }

    Config latestConfig() throws Exception {
        return admin.query(-1).get(READY.toSeconds(), TimeUnit.SECONDS);
    }

    // ---- status -----------------------------------------------------------------------------

    /** The node's Raft status, or empty if it does not answer within a second. */
    Optional<NodeStatus> status(ClusterNode n) {
        return StatusRequest.ask(transport, HostPort.parse(n.address()), Duration.ofSeconds(1));
    }

    /** The replica of {@code group} that answers as leader with the highest term, within {@link #READY}. */
    ClusterNode awaitLeader(List<ClusterNode> group) throws InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            ClusterNode best = null;
            long bestTerm = -1;
            for (ClusterNode n : group) {
                if (paused.contains(n) || stopped.contains(n)) {
                    continue;
                }
                Optional<NodeStatus> s = status(n);
                if (s.isPresent() && s.get().role() == Role.LEADER && s.get().term() > bestTerm) {
                    best = n;
                    bestTerm = s.get().term();
                }
            }
            if (best != null) {
                return best;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no leader among " + group + " within " + READY.toSeconds() + " s");
    }

    /**
     * Waits until a replica of {@code group} other than {@code old} leads in a term above
     * {@code oldTerm} — evidence that a fault on the old leader took effect — and returns it.
     */
    ClusterNode awaitNewLeader(List<ClusterNode> group, ClusterNode old, long oldTerm) throws InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            for (ClusterNode n : group) {
                if (n != old && !stopped.contains(n) && !paused.contains(n)) {
                    Optional<NodeStatus> s = status(n);
                    if (s.isPresent() && s.get().role() == Role.LEADER && s.get().term() > oldTerm) {
                        return n;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no replica of " + group + " took over from " + old + " within " + READY.toSeconds()
                + " s");
    }

    /** The term {@code n} reports, or -1 if it does not answer. */
    long term(ClusterNode n) {
        return status(n).map(NodeStatus::term).orElse(-1L);
    }

    private void awaitAnswering(ClusterNode n) throws InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        while (status(n).isEmpty()) {
            assertStillRunning(n);
            if (System.nanoTime() > deadline) {
                throw new AssertionError(n + " does not answer within " + READY.toSeconds() + " s; its log:\n"
                        + tail(logs(n), 4000));
            }
            Thread.sleep(200);
        }
    }

    /**
     * Every container reports healthy: the image's HEALTHCHECK (busybox wget of {@code /readyz} on
     * the operations port) passes, so each replica, running as the image's own user, is a member
     * that knows its leader and has applied what is committed.
     */
    void awaitHealthy() throws InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        for (ClusterNode n : nodes()) {
            String health = health(n);
            while (!health.equals("healthy")) {
                assertStillRunning(n);
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(n + " is not healthy within " + READY.toSeconds() + " s (" + health
                            + "); its log:\n" + tail(logs(n), 4000));
                }
                Thread.sleep(500);
                health = health(n);
            }
        }
    }

    private String health(ClusterNode n) {
        var state = docker.inspectContainerCmd(n.containerId()).exec().getState();
        return state.getHealth() == null ? "no health check" : state.getHealth().getStatus();
    }

    /** Every shard answers a read through the client (its key absent or not). */
    void awaitEveryShardServed() {
        try (ShardKvClient kv = client(READY)) {
            for (int shard = 0; shard < SHARDS; shard++) {
                kv.get(keyOf(shard));
            }
        }
    }

    static byte[] keyOf(int shard) {
        for (int n = 0; ; n++) {
            byte[] k = ("probe-" + n).getBytes(StandardCharsets.UTF_8);
            if (Shards.shardOf(k, SHARDS) == shard) {
                return k;
            }
        }
    }

    /**
     * Waits until, in every Raft group, all three replicas answer with the same commit and applied
     * index (nothing left to replicate or apply). Clients must have stopped.
     */
    void awaitConverged(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        for (List<ClusterNode> group : raftGroups()) {
            String last = "";
            while (true) {
                List<Optional<NodeStatus>> statuses = group.stream().map(this::status).toList();
                for (int i = 0; i < group.size(); i++) {
                    if (statuses.get(i).isEmpty()) {
                        assertStillRunning(group.get(i));
                    }
                }
                if (statuses.stream().allMatch(Optional::isPresent)) {
                    Set<Long> applied = statuses.stream().map(s -> s.get().appliedIndex()).collect(Collectors.toSet());
                    Set<Long> committed = statuses.stream().map(s -> s.get().commitIndex()).collect(Collectors.toSet());
                    if (applied.size() == 1 && committed.equals(applied)) {
                        break;
                    }
                }
                last = group + " -> " + statuses;
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("replicas did not converge within " + limit.toSeconds() + " s: " + last);
                }
                Thread.sleep(200);
            }
        }
    }

    /** Fails if {@code n}'s server exited without the test stopping it (a crash, or a failed node). */
    void assertStillRunning(ClusterNode n) {
        var state = docker.inspectContainerCmd(n.containerId()).exec().getState();
        if (!stopped.contains(n) && !Boolean.TRUE.equals(state.getRunning())) {
            throw new AssertionError(n + " exited by itself (status " + state.getExitCodeLong() + "); its log:\n"
                    + tail(logs(n), 6000));
        }
    }

    /** Waits until {@code n} has applied everything its group's leader had committed when this was called. */
    void awaitCaughtUp(ClusterNode n) throws InterruptedException {
        List<ClusterNode> group = n.gid() == 0 ? controllers : groups.get(n.gid());
        ClusterNode leader = awaitLeader(group);
        long target = status(leader).map(NodeStatus::commitIndex).orElse(0L);
        long deadline = System.nanoTime() + READY.toNanos();
        while (status(n).map(NodeStatus::appliedIndex).orElse(-1L) < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(n + " did not catch up to index " + target + " within " + READY.toSeconds()
                        + " s: " + status(n));
            }
            Thread.sleep(200);
        }
    }

    // ---- faults ------------------------------------------------------------------------------

    /** Takes {@code n} off the network entirely: neither peers nor clients reach it. */
    void disconnect(ClusterNode n) {
        docker.disconnectFromNetworkCmd().withNetworkId(networkId).withContainerId(n.containerId()).withForce(true)
                .exec();
        disconnected.add(n);
    }

    /** Puts {@code n} back on the network with its address and alias (Docker drops the alias on disconnect). */
    void reconnect(ClusterNode n) {
        docker.connectToNetworkCmd().withNetworkId(networkId).withContainerId(n.containerId())
                .withContainerNetwork(new ContainerNetwork().withAliases(n.name())
                        .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(n.ip())))
                .exec();
        disconnected.remove(n);
    }

    /**
     * Cuts every node of {@code side} off from every other node, both ways, by firewall rules in
     * each container's network namespace; clients on the host still reach every node.
     */
    void partition(Set<ClusterNode> side) throws IOException, InterruptedException {
        for (ClusterNode a : nodes()) {
            StringBuilder rules = new StringBuilder("*filter\n");
            for (ClusterNode b : nodes()) {
                if (side.contains(a) != side.contains(b)) {
                    rules.append("-A INPUT -s ").append(b.ip()).append(" -j DROP\n");
                    rules.append("-A OUTPUT -d ").append(b.ip()).append(" -j DROP\n");
                }
            }
            if (rules.length() > "*filter\n".length()) {
                inNetworkNamespace(a, rules.append("COMMIT\n").toString(), "iptables-restore", "--noflush");
                firewalled.add(a);
            }
        }
    }

    /** Removes every firewall rule {@link #partition} added. */
    void healPartitions() throws IOException, InterruptedException {
        for (ClusterNode n : List.copyOf(firewalled)) {
            if (!stopped.contains(n)) {
                inNetworkNamespace(n, "", "iptables", "-w", "-F", "INPUT");
                inNetworkNamespace(n, "", "iptables", "-w", "-F", "OUTPUT");
            }
            firewalled.remove(n);
        }
    }

    /** Runs a host tool inside {@code n}'s network namespace (the image itself has no tools). */
    private void inNetworkNamespace(ClusterNode n, String input, String... tool) throws IOException, InterruptedException {
        long pid = docker.inspectContainerCmd(n.containerId()).exec().getState().getPidLong();
        List<String> command = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-n"));
        command.addAll(List.of(tool));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed on " + n + ": " + output.strip());
        }
    }

    /** SIGKILL: the JVM dies at once, whatever it had not written is gone; the container's disk stays. */
    void kill(ClusterNode n) {
        docker.killContainerCmd(n.containerId()).exec();
        stopped.add(n);
        firewalled.remove(n); // a restarted container gets a fresh network namespace
    }

    /**
     * Stops {@code n} with SIGTERM, as an operator's rolling restart does (a leader hands
     * leadership off first), and starts it again on its data once it has exited.
     */
    void terminateAndRestart(ClusterNode n) throws InterruptedException {
        docker.stopContainerCmd(n.containerId()).withTimeout(60).exec();
        stopped.add(n);
        firewalled.remove(n);
        restart(n);
    }

    /**
     * Replaces replica {@code old} of its Raft group for good: its container and disk are removed,
     * a new replica with the next id starts on an empty disk with {@code --join} (knowing only one
     * live member and itself), and {@code bin/shardkv admin replace}, run as its own process on the
     * host, adds it as a learner, promotes it once caught up and removes {@code old}. Returns the
     * new replica, which takes {@code old}'s place in {@link #group}/{@link #controllers}.
     */
    ClusterNode replace(ClusterNode old) throws Exception {
        List<ClusterNode> members = membersOf(old.gid());
        destroy(old);
        ClusterNode fresh = startJoiner(old.gid());
        members.set(members.indexOf(old), fresh);
        shardkvAdmin(old.gid(), "replace", "--old", Integer.toString(old.replicaId()), "--new",
                fresh.replicaId() + "=" + fresh.address());
        return fresh;
    }

    /**
     * Grows shard group {@code gid} by {@code count} replicas as the runbook says: each started
     * with {@code --join}, added as a learner, caught up, then promoted ({@code bin/shardkv admin
     * member add --learner} and {@code member promote}). Returns the new replicas.
     */
    List<ClusterNode> grow(int gid, int count) throws Exception {
        List<ClusterNode> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ClusterNode fresh = startJoiner(gid);
            shardkvAdmin(gid, "member", "add", "--learner", "--id", Integer.toString(fresh.replicaId()), "--address",
                    fresh.address());
            groups.get(gid).add(fresh);
            awaitCaughtUp(fresh);
            shardkvAdmin(gid, "member", "promote", "--id", Integer.toString(fresh.replicaId()));
            added.add(fresh);
        }
        return added;
    }

    /**
     * Removes replica {@code n} from its shard group ({@code bin/shardkv admin member remove}; a
     * leader steps down and hands off), then its container and disk.
     */
    void shrink(ClusterNode n) throws Exception {
        shardkvAdmin(n.gid(), "member", "remove", "--id", Integer.toString(n.replicaId()));
        groups.get(n.gid()).remove(n);
        destroy(n);
    }

    private List<ClusterNode> membersOf(int gid) {
        return gid == 0 ? controllers : groups.get(gid);
    }

    /** Removes {@code n}'s container and disk for good, saving its log first. */
    private void destroy(ClusterNode n) {
        saveLog(n);
        docker.removeContainerCmd(n.containerId()).withForce(true).withRemoveVolumes(true).exec();
        n.containerId(null);
        stopped.remove(n);
        paused.remove(n);
        disconnected.remove(n);
        firewalled.remove(n);
    }

    /** Starts a replica of group {@code gid} (0: the controllers) with the next id, {@code --join} and an empty disk. */
    private ClusterNode startJoiner(int gid) throws InterruptedException, IOException {
        List<ClusterNode> live = membersOf(gid).stream().filter(n -> n.containerId() != null).toList();
        int id = highestId.merge(gid, 1, Integer::sum);
        String ip = freeIp(gid, live);
        ClusterNode known = live.get(0);
        String peers = known.replicaId() + "=" + known.address() + "," + id + "=" + ip + ":" + PORT;
        List<String> command = new ArrayList<>(gid == 0
                ? List.of("ctrler", "--id", Integer.toString(id))
                : concat(List.of("server", "--gid", Integer.toString(gid), "--id", Integer.toString(id),
                "--controllers", ctrlOptions, "--redis-port", Integer.toString(REDIS_PORT)), engineFlags));
        command.addAll(List.of("--join", "--peers", peers, "--data-dir", "/data", "--shards",
                Integer.toString(SHARDS), "--snapshot-bytes", SNAPSHOT_BYTES, "--metrics-port", OPS_PORT));
        ClusterNode fresh = new ClusterNode((gid == 0 ? "ctrl-" : "g" + gid + "-r") + id, gid, id, ip, command);
        create(ServerImage.name(), fresh);
        docker.startContainerCmd(fresh.containerId()).exec();
        awaitAnswering(fresh);
        return fresh;
    }

    /**
     * Runs {@code bin/shardkv admin --ctrl ... <command> --group gid|--ctrler ...} as a process on
     * the host; fails with its output unless it exits 0. A controller change renews the test's own
     * controller client, whose list of addresses it may have made stale.
     */
    private void shardkvAdmin(int gid, String... command) throws Exception {
        List<ClusterNode> ctrls = controllers.stream().filter(n -> n.containerId() != null).toList();
        List<String> args = new ArrayList<>(List.of("admin", "--ctrl", String.join(",", addresses(ctrls)),
                "--timeout", "60s"));
        args.addAll(certificates.adminFlags());
        int options = command[0].equals("member") ? 2 : 1;
        args.addAll(List.of(command).subList(0, options));
        args.addAll(gid == 0 ? List.of("--ctrler") : List.of("--group", Integer.toString(gid)));
        args.addAll(List.of(command).subList(options, command.length));
        Launcher.CommandResult result = Launcher.run(args, READY.multipliedBy(3));
        if (result.exitCode() != 0) {
            throw new AssertionError("shardkv " + String.join(" ", args) + " exited " + result.exitCode() + ":\n"
                    + result.output());
        }
        if (gid == 0) {
            admin.close();
            admin = controllerClerk();
        }
    }

    /** An address in {@code gid}'s range that none of {@code live} holds. */
    private String freeIp(int gid, List<ClusterNode> live) {
        int base = gid == 0 ? 10 : 10 + 10 * gid;
        for (int slot = 1; slot <= 9; slot++) {
            String ip = prefix + (base + slot);
            if (live.stream().noneMatch(n -> n.ip().equals(ip))) {
                return ip;
            }
        }
        throw new IllegalStateException("no free address left for group " + gid);
    }

    /** The voters of {@code n}'s group as {@code n} sees them, or empty if it does not answer. */
    Optional<Set<Integer>> voters(ClusterNode n) {
        PeerConnection c = transport.connect(HostPort.parse(n.address()));
        try {
            Object reply = c.request(new MembershipRequest(), Duration.ofSeconds(5)).get();
            return reply instanceof MembershipReport r ? Optional.of(Set.copyOf(r.config().voters().incoming().ids()))
                    : Optional.empty();
        } catch (ExecutionException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            c.close();
        }
    }

    /** Starts a killed node again on its data and waits until it answers. */
    void restart(ClusterNode n) throws InterruptedException {
        docker.startContainerCmd(n.containerId()).exec();
        stopped.remove(n);
        awaitAnswering(n);
    }

    /** Freezes every process of {@code n} (cgroup freezer): it holds its connections but answers nothing. */
    void pause(ClusterNode n) {
        docker.pauseContainerCmd(n.containerId()).exec();
        paused.add(n);
    }

    void unpause(ClusterNode n) {
        docker.unpauseContainerCmd(n.containerId()).exec();
        paused.remove(n);
    }

    /**
     * Cuts the last {@code bytes} bytes off the newest WAL segment of a killed node — a write torn
     * by the crash. Returns what it did.
     */
    String tearWalTail(ClusterNode n, int bytes) throws IOException {
        if (!stopped.contains(n)) {
            throw new IllegalStateException(n + " must be stopped before its disk is touched");
        }
        return DataDirectory.tearNewestWal(docker, n.containerId(), "/data", bytes);
    }

    /** Undoes every fault still in place: unpause, reconnect, remove firewall rules, restart. */
    void healAll() throws IOException, InterruptedException {
        for (ClusterNode n : List.copyOf(paused)) {
            unpause(n);
        }
        for (ClusterNode n : List.copyOf(disconnected)) {
            reconnect(n);
        }
        healPartitions();
        for (ClusterNode n : List.copyOf(stopped)) {
            restart(n);
        }
    }

    // ---- logs and clean-up ---------------------------------------------------------------------

    String logs(ClusterNode n) {
        StringBuilder out = new StringBuilder();
        try {
            docker.logContainerCmd(n.containerId()).withStdOut(true).withStdErr(true)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                        }
                    }).awaitCompletion(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            out.append("(logs unavailable: ").append(e).append(")");
        }
        return out.toString();
    }

    private static String tail(String text, int chars) {
        return text.length() <= chars ? text : "..." + text.substring(text.length() - chars);
    }

    /** Saves {@code n}'s log under {@code target/it-logs}. */
    private void saveLog(ClusterNode n) {
        try {
            Files.createDirectories(logDir);
            Files.writeString(logDir.resolve(n.name() + ".log"), logs(n));
        } catch (IOException | RuntimeException e) {
            System.err.println("could not save " + n + "'s log: " + e);
        }
    }

    /** Saves every server's log, then removes every container and the network. */
    @Override
    public void close() {
        for (ClusterNode n : nodes()) {
            if (n.containerId() != null) {
                saveLog(n);
            }
        }
        for (ClusterNode n : nodes()) {
            if (n.containerId() != null) {
                try {
                    docker.removeContainerCmd(n.containerId()).withForce(true).withRemoveVolumes(true).exec();
                } catch (RuntimeException e) {
                    System.err.println("could not remove " + n + ": " + e);
                }
            }
        }
        try {
            docker.removeNetworkCmd(networkId).exec();
        } catch (RuntimeException e) {
            System.err.println("could not remove the network: " + e);
        }
        admin.close();
        transport.close();
    }
}
