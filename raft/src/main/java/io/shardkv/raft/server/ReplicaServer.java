package io.shardkv.raft.server;

import io.shardkv.raft.core.ReplicationProgress;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.core.confchange.ConfChangeException;
import io.shardkv.raft.core.tracker.MembershipConfig;
import io.shardkv.raft.node.ConfChangeLostException;
import io.shardkv.raft.node.Membership;
import io.shardkv.raft.node.NodeStatus;
import io.shardkv.raft.node.NotLeaderException;
import io.shardkv.raft.node.RaftNode;
import io.shardkv.raft.node.RaftTransport;
import io.shardkv.raft.rsm.RsmHost;
import io.shardkv.raft.rsm.RsmStats;
import io.shardkv.raft.rsm.StateMachine;
import io.shardkv.raft.storage.RaftStorage;
import io.shardkv.raft.transport.NettyRaftTransport;
import io.shardkv.raft.transport.PeerTraffic;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.LabeledLatency;
import io.shardkv.rpc.MetricLabel;
import io.shardkv.rpc.RpcCounters;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.codec.Codec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica of a replicated service: durable storage, a Raft node, an {@link RsmHost} running
 * the service's {@link StateMachine}, and one port serving both Raft peers and clients. Client
 * requests are handed to the node's thread, where the service's {@link RequestHandler} turns them
 * into host operations; each is answered within the configured request timeout.
 */
public final class ReplicaServer implements AutoCloseable {

    /** A service's request handling, sans I/O; called on the node's thread. */
    public interface RequestHandler {
        void handle(Object request, Consumer<Object> reply);

        /** The answer to {@code request} when it had no outcome within the request timeout. */
        Object timeout(Object request);

        /** The answer to {@code request} when it arrives while the server is stopping (try another replica). */
        Object shuttingDown(Object request);
    }

    /**
     * A handler for requests of one type: {@code handle} gets them; anything else is answered
     * with {@code refuse(reason)}, and a request without an outcome in time with {@code timeout}.
     */
    public static <R> RequestHandler handlerFor(Class<R> type, BiConsumer<R, Consumer<Object>> handle,
                                                Function<String, Object> refuse, Supplier<Object> timeout,
                                                Supplier<Object> shuttingDown) {
        return new RequestHandler() {
            @Override
            public void handle(Object request, Consumer<Object> reply) {
                if (type.isInstance(request)) {
                    handle.accept(type.cast(request), reply);
                } else {
                    reply.accept(refuse.apply("expected a " + type.getSimpleName() + ", got "
                            + request.getClass().getSimpleName()));
                }
            }

            @Override
            public Object timeout(Object request) {
                return timeout.get();
            }

            @Override
            public Object shuttingDown(Object request) {
                return shuttingDown.get();
            }
        };
    }

    /** Builds a service's handler over its host; {@code addressOfNode} names a replica for leader hints. */
    @FunctionalInterface
    public interface HandlerFactory {
        RequestHandler create(RsmHost host, IntFunction<String> addressOfNode);
    }

    /**
     * Which Raft messages may pass between two replicas: a seam for tests that cut links between
     * replicas in one JVM (clients keep reaching every replica, as in the labs).
     */
    @FunctionalInterface
    public interface LinkFilter {
        LinkFilter OPEN = (from, to) -> true;

        boolean allows(int from, int to);
    }

    /** Beyond the request timeout, how long a stopping server waits for answers to be written out. */
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaServer.class);
    private static final Duration ANSWER_WRITE_GRACE = Duration.ofSeconds(1);
    /** How often each peer's round trip is measured (a status request, answered without the node thread). */
    private static final Duration PROBE_PERIOD = Duration.ofSeconds(1);

    private final ReplicaConfig config;
    private final NettyRaftTransport transport;
    private final RaftNode node;
    private RsmHost host;
    private final RequestHandler handler;
    private volatile boolean stopping;
    /** Whether this replica knows its group removed it: it answers no requests then. */
    private volatile boolean removed;
    /** Whether any configuration this replica acted under included it (node thread only). */
    private boolean wasMember;
    private final LabeledLatency requestLatency = new LabeledLatency("operation", "status");
    private final LabeledLatency peerRoundTrip = new LabeledLatency("peer");
    private final BackupSpool backups;

    private ReplicaServer(ReplicaConfig config, EventLoops loops, Codec codec, StateMachine stateMachine,
                          HandlerFactory handlers, LinkFilter links) throws IOException {
        this.config = config;
        RaftStorage storage = RaftStorage.open(config.dataDir(), config.storage());
        this.backups = new BackupSpool(config.dataDir(), config.id());
        Transport rpc = Transport.create(config.transportSettings().nodeId(config.id()).limits(config.limits())
                .service(config.service()).build(), codec, loops);
        this.transport = NettyRaftTransport.listen(rpc, config.peers().get(config.id()));
        RaftTransport outbound = m -> {
            if (links.allows(m.from(), m.to())) {
                transport.send(m);
            }
        };
        this.node = new RaftNode(config.nodeOptions(), storage, outbound, log -> {
            host = new RsmHost(stateMachine, log, config.rsm(), System::currentTimeMillis);
            return host;
        });
        this.handler = handlers.create(host, this::addressOf);
        transport.onMessage(m -> {
            if (links.allows(m.from(), m.to())) {
                node.receive(m);
            }
        });
        transport.onRequest((from, request) -> handle(request));
        config.peers().forEach(transport::addPeer);
        node.onMembershipChange(this::membershipChanged);
    }

    /**
     * A joining replica has no configuration, so it knows only the peers it was started with; but
     * it must answer the leader, which may not be one of them. Until a configuration reaches it,
     * it asks those peers every election timeout for the group's members and connects to them.
     */
    private void discoverMembers() {
        if (stopping || !node.membership().config().isEmpty()) {
            return;
        }
        Duration period = config.tick().multipliedBy(config.electionTicks());
        for (int peer : transport.peerIds()) {
            transport.request(peer, new MembershipRequest(), period).thenAccept(reply -> {
                if (reply instanceof MembershipReport report) {
                    connectTo(report.config().addresses());
                }
            });
        }
        CompletableFuture.delayedExecutor(period.toMillis(), TimeUnit.MILLISECONDS).execute(this::discoverMembers);
    }

    private void connectTo(Map<Integer, String> addresses) {
        addresses.forEach((peer, address) -> {
            try {
                transport.addPeer(peer, HostPort.parse(address));
            } catch (IllegalArgumentException e) {
                LOG.error("replica {}: member {} has an unusable address {}: {}", config.id(), peer, address,
                        e.getMessage());
            }
        });
    }

    /**
     * Follows the group's membership: connects to members the configuration names with an address
     * (those added online), drops departed ones, and stops serving once a committed configuration
     * has removed this replica — which it says, since only its operator can stop it for good.
     */
    private void membershipChanged(Membership m) {
        if (m.config().isEmpty()) {
            return;
        }
        connectTo(m.config().addresses());
        if (m.committed()) {
            for (int peer : transport.peerIds()) {
                if (!m.config().isMember(peer)) {
                    transport.removePeer(peer);
                }
            }
        }
        boolean member = m.config().isMember(config.id());
        wasMember |= member;
        // A joining replica is no member until the change that adds it reaches it: that is not removal.
        boolean nowRemoved = m.removed(config.id()) && (wasMember || !config.join());
        if (nowRemoved == removed) {
            return;
        }
        removed = nowRemoved;
        if (removed) {
            LOG.warn("replica {}: removed from its group by the configuration at index {} ({}); it no longer serves"
                    + " requests and can be stopped and its data directory deleted", config.id(), m.index(), m.config());
        } else {
            LOG.info("replica {}: a member again by the configuration at index {} ({})", config.id(), m.index(),
                    m.config());
        }
    }

    /**
     * Opens the replica's storage, binds its port and starts its node. {@code codec} must include
     * the Raft wire types and the service's.
     */
    public static ReplicaServer start(ReplicaConfig config, EventLoops loops, Codec codec, StateMachine stateMachine,
                                      HandlerFactory handlers, LinkFilter links) throws IOException {
        ReplicaServer server = new ReplicaServer(config, loops, codec, stateMachine, handlers, links);
        server.node.start();
        if (config.join()) {
            server.discoverMembers();
        }
        server.probePeers();
        return server;
    }

    /**
     * Measures the round trip to every peer, as etcd's prober does: a status request answered on
     * the peer's I/O thread, so the figure is the network and the peer's event loop, not its disk.
     */
    private void probePeers() {
        if (stopping) {
            return;
        }
        for (int peer : transport.peerIds()) {
            long start = System.nanoTime();
            transport.request(peer, new StatusRequest(), PROBE_PERIOD)
                    .thenRun(() -> peerRoundTrip.observeSince(start, Integer.toString(peer)));
        }
        CompletableFuture.delayedExecutor(PROBE_PERIOD.toMillis(), TimeUnit.MILLISECONDS).execute(this::probePeers);
    }

    /** Where {@code nodeId} is reached: as the group's configuration records it, else as configured at start. */
    private String addressOf(int nodeId) {
        Membership m = node.membership();
        String recorded = m == null ? null : m.config().addresses().get(nodeId);
        if (recorded != null) {
            return recorded;
        }
        InetSocketAddress a = config.peers().get(nodeId);
        return a == null ? null : HostPort.format(a);
    }

    /**
     * Serves {@code request} as if it had arrived on this replica's port, for a front end in the same
     * process (the RESP port): the same handler, request timeout, refusal while stopping and latency
     * metric. The caller has checked what the peer may do.
     */
    public CompletableFuture<Object> serve(Object request) {
        return handle(request);
    }

    private CompletableFuture<Object> handle(Object request) {
        if (request instanceof StatusRequest) {
            return CompletableFuture.completedFuture(node.status());
        }
        if (request instanceof MembershipRequest) {
            return membershipReport();
        }
        if (request instanceof ReplicaStatusRequest) {
            RaftNode n = node;
            return CompletableFuture.completedFuture(new ReplicaStatusReport(n.status(), n.membership().config(), removed,
                    n.snapshotIndex(), n.snapshotBytes(), n.diskBytes(), TimeUnit.NANOSECONDS.toMillis(n.nanosSinceLoop())));
        }
        if (request instanceof MembershipChangeRequest change) {
            return changeMembership(change);
        }
        if (request instanceof LeaderTransferRequest transfer) {
            return transferLeadership(transfer.target());
        }
        if (request instanceof BackupRequest backup) {
            return backup(backup.point());
        }
        if (request instanceof BackupChunkRequest chunk) {
            return backups.read(chunk).thenApply(Object.class::cast);
        }
        if (request instanceof BackupReleaseRequest release) {
            return backups.release(release.id()).thenApply(held -> new AdminReply(AdminReply.Status.DONE, 0, 0, null,
                    held ? "backup image " + release.id() + " deleted" : "backup image " + release.id() + " was not held"));
        }
        // The transport registered this request before calling here: close() either waits for its
        // answer or, having set stopping first, it is refused now.
        long start = System.nanoTime();
        String operation = MetricLabel.of(request, "OTHER");
        if (stopping || removed) {
            Object refused = handler.shuttingDown(request);
            requestLatency.observeSince(start, operation, MetricLabel.of(refused, "OTHER"));
            return CompletableFuture.completedFuture(refused);
        }
        CompletableFuture<Object> f = new CompletableFuture<>();
        node.execute(() -> handler.handle(request, f::complete));
        return f.completeOnTimeout(handler.timeout(request), config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((answer, error) -> requestLatency.observeSince(start, operation,
                        error != null ? "ERROR" : MetricLabel.of(answer, "OTHER")));
    }

    /**
     * Captures the state for a backup at the service's {@code point} (leader only, after a ReadIndex
     * round) and writes it to the backup spool; answers once it is there to be read, or why not.
     * The capture is bounded by the request timeout like any request; writing the image out, which
     * grows with the state, is not.
     */
    private CompletableFuture<Object> backup(long point) {
        if (stopping || removed) {
            return CompletableFuture.completedFuture(BackupReport.refused(AdminReply.Status.NOT_LEADER, "replica "
                    + config.id() + " is " + (removed ? "removed from its group" : "stopping"), 0, null));
        }
        CompletableFuture<RsmHost.BackupCapture> captured = new CompletableFuture<>();
        node.execute(() -> host.captureForBackup(point, captured::complete));
        return captured.completeOnTimeout(new RsmHost.BackupCapture.NotReady("no capture within "
                        + config.requestTimeout().toMillis() + " ms"), config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .thenCompose(capture -> {
                    if (capture instanceof RsmHost.BackupCapture.Taken taken) {
                        return backups.write(taken.image()).handle((spooled, error) -> error != null
                                ? BackupReport.refused(AdminReply.Status.RETRY, "the image could not be written: "
                                        + rootCause(error), 0, null)
                                : new BackupReport(AdminReply.Status.DONE, "captured at index " + taken.index(),
                                        config.id(), addressOf(config.id()), spooled.id(), taken.point(), taken.index(),
                                        spooled.bytes(), spooled.sha256()));
                    }
                    return CompletableFuture.completedFuture(refusal(capture, point));
                });
    }

    private Object refusal(RsmHost.BackupCapture capture, long point) {
        if (capture instanceof RsmHost.BackupCapture.NotReady notReady) {
            return BackupReport.refused(AdminReply.Status.RETRY, notReady.reason(), 0, null);
        }
        if (capture instanceof RsmHost.BackupCapture.Passed passed) {
            return BackupReport.refused(AdminReply.Status.INVALID, "the state is at configuration " + passed.point()
                    + ", past the backup's " + point + ": the configuration changed during the backup", 0, null);
        }
        AdminReply refused = notLeader();
        return BackupReport.refused(AdminReply.Status.NOT_LEADER, refused.message(), refused.leader(),
                refused.leaderAddress());
    }

    private CompletableFuture<Object> membershipReport() {
        return node.replicationProgress().thenApply(progress -> {
            NodeStatus s = node.status();
            Membership m = node.membership();
            return (Object) new MembershipReport(config.id(), s.leader(), s.leader() == 0 ? null : addressOf(s.leader()),
                    withKnownAddresses(m.config()), m.index(), m.committed(), s.lastIndex(), progress);
        }).exceptionally(e -> new AdminReply(AdminReply.Status.TIMEOUT, 0, 0, null, "no report: " + rootCause(e)));
    }

    /** {@code c} with the start-up address of every member it records none for (a group's first voters). */
    private MembershipConfig withKnownAddresses(MembershipConfig c) {
        TreeMap<Integer, String> addresses = new TreeMap<>(c.addresses());
        for (int member : c.members()) {
            String a = addressOf(member);
            if (a != null) {
                addresses.putIfAbsent(member, a);
            }
        }
        return new MembershipConfig(c.voters(), c.learners(), addresses);
    }

    /** Proposes the change here; answers once it committed, or why not. */
    private CompletableFuture<Object> changeMembership(MembershipChangeRequest request) {
        return node.proposeConfChange(request.change())
                .<Object>thenApply(index -> new AdminReply(AdminReply.Status.DONE, index, config.id(),
                        addressOf(config.id()), "committed at index " + index + ": " + node.membership().config()))
                .exceptionally(this::adminFailure)
                .completeOnTimeout(new AdminReply(AdminReply.Status.TIMEOUT, 0, 0, null, "the change was proposed but"
                        + " not seen committed within " + config.requestTimeout().toMillis() + " ms; list the members"
                        + " before trying again"), config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<Object> transferLeadership(int target) {
        return node.transferLeadership(target)
                .<Object>thenApply(leads -> leads
                        ? new AdminReply(AdminReply.Status.DONE, 0, config.id(), addressOf(config.id()),
                                "replica " + config.id() + " is handing leadership to " + target)
                        : notLeader())
                .exceptionally(this::adminFailure);
    }

    private Object adminFailure(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof NotLeaderException) {
            return notLeader();
        }
        if (e instanceof ConfChangeException refused) {
            return new AdminReply(refused.reason() == ConfChangeException.Reason.IN_PROGRESS
                    ? AdminReply.Status.RETRY : AdminReply.Status.INVALID, 0, 0, null, refused.getMessage());
        }
        if (e instanceof ConfChangeLostException) {
            return new AdminReply(AdminReply.Status.LOST, 0, 0, null, e.getMessage());
        }
        if (e instanceof IllegalArgumentException) {
            return new AdminReply(AdminReply.Status.INVALID, 0, 0, null, e.getMessage());
        }
        return new AdminReply(AdminReply.Status.TIMEOUT, 0, 0, null, "no outcome: " + e);
    }

    private AdminReply notLeader() {
        int leader = node.status().leader();
        return new AdminReply(AdminReply.Status.NOT_LEADER, 0, leader, leader == 0 ? null : addressOf(leader),
                "replica " + config.id() + " does not lead" + (leader == 0 ? "; no leader known" : "; " + leader + " does"));
    }

    private static String rootCause(Throwable e) {
        Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    public NodeStatus status() {
        return node.status();
    }

    /** What this replica's port received and what went wrong on it; any thread. */
    public RpcCounters rpcCounters() {
        return transport.counters();
    }

    /** Client and service requests from arrival to answer, by operation and the answer's status; any thread. */
    public LabeledLatency requestLatency() {
        return requestLatency;
    }

    /** Round trips to each peer (by node id), measured every second; any thread. */
    public LabeledLatency peerRoundTrip() {
        return peerRoundTrip;
    }

    /** The traffic to each peer, by node id; any thread. */
    public Map<Integer, PeerTraffic> peerTraffic() {
        return transport.peerTraffic();
    }

    /** Whether a committed configuration removed this replica: it serves nothing then. */
    public boolean isRemoved() {
        return removed;
    }

    /** The replicated state machine host's counters; any thread. */
    public RsmStats rsmStats() {
        return host.stats();
    }

    public RaftNode node() {
        return node;
    }

    /** See {@link RaftNode#failure()}. */
    public CompletableFuture<Throwable> failure() {
        return node.failure();
    }

    public InetSocketAddress address() {
        return transport.localAddress();
    }

    /**
     * If this replica leads, hands leadership to the voter furthest along and waits (at most two
     * election timeouts) until it took over, so stopping a leader — a rolling restart — costs the
     * group no election timeout. Best effort: a group of one, or a voter that cannot take over in
     * time, leaves the election to the timeout as before.
     */
    private void handOffLeadership() {
        if (node.status().role() != Role.LEADER) {
            return;
        }
        Duration wait = config.tick().multipliedBy(2L * config.electionTicks());
        try {
            MembershipConfig members = node.membership().config();
            Optional<ReplicationProgress> best = node.replicationProgress()
                    .get(wait.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .filter(p -> members.isVoter(p.id()))
                    .max(Comparator.comparingLong(ReplicationProgress::match));
            if (best.isEmpty()) {
                return;
            }
            int successor = best.get().id();
            LOG.info("replica {}: stopping; handing leadership to {} first", config.id(), successor);
            node.transferLeadership(successor).get(wait.toMillis(), TimeUnit.MILLISECONDS);
            node.whenNotLeading().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            LOG.warn("replica {}: leadership did not move within {} ms; stopping as leader", config.id(), wait.toMillis());
        } catch (ExecutionException | RuntimeException e) {
            LOG.warn("replica {}: could not hand leadership over before stopping: {}", config.id(), e.toString());
        }
    }

    /**
     * Stops serving gracefully: new requests are answered SHUTTING_DOWN (clients go to another
     * replica) while those in flight finish — at most one request timeout — then the port and
     * connections close, then the node, which makes its storage durable and closes it.
     */
    @Override
    public void close() throws IOException {
        // Refuse new requests first: a leader handing off must not take new proposals, and a
        // request refused now goes straight to the replica taking over.
        stopping = true;
        handOffLeadership();
        try {
            // Each request completes within the request timeout (completeOnTimeout); the rest is for writing it out.
            transport.closeGracefully(config.requestTimeout().plus(ANSWER_WRITE_GRACE));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            transport.close();
        }
        node.close();
        backups.close();
    }
}
