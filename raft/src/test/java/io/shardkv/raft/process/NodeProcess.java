package io.shardkv.raft.process;

import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.RaftConfig;
import io.shardkv.raft.core.Snapshot;
import io.shardkv.raft.node.Applier;
import io.shardkv.raft.node.NodeOptions;
import io.shardkv.raft.node.NodeStatus;
import io.shardkv.raft.node.NotLeaderException;
import io.shardkv.raft.node.RaftNode;
import io.shardkv.raft.storage.RaftStorage;
import io.shardkv.raft.storage.StorageOptions;
import io.shardkv.raft.transport.NettyRaftTransport;
import io.shardkv.raft.transport.RaftWireTypes;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.codec.Codec;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * One Raft node as an operating-system process, for tests that kill processes with SIGKILL.
 * Arguments: {@code <id> <data dir> <peers>} where peers is {@code 1=127.0.0.1:7001,2=…} and
 * includes this node. Serves {@link ProcessWireTypes} requests on its Raft port and prints
 * {@code READY} once listening. The full launcher is {@code bin/shardkv} (issue 7); this is the
 * smallest thing that runs a node.
 */
public final class NodeProcess {

    static final String CLUSTER = "process-test";

    private NodeProcess() {
    }

    static Codec codec() {
        return Codec.builder().install(new RaftWireTypes()).install(new ProcessWireTypes()).build();
    }

    static Map<Integer, InetSocketAddress> parsePeers(String spec) {
        Map<Integer, InetSocketAddress> peers = new TreeMap<>();
        for (String part : spec.split(",")) {
            String[] idAddr = part.split("=", 2);
            String[] hostPort = idAddr[1].split(":", 2);
            peers.put(Integer.parseInt(idAddr[0]), new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
        }
        return peers;
    }

    public static void main(String[] args) throws Exception {
        int id = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        Map<Integer, InetSocketAddress> peers = parsePeers(args[2]);
        RaftConfig config = RaftConfig.builder(id, new ArrayList<>(peers.keySet()))
                .electionTicks(NodeOptions.DEFAULT_ELECTION_TICKS)
                .heartbeatTicks(NodeOptions.DEFAULT_HEARTBEAT_TICKS)
                .build();
        RaftStorage storage = RaftStorage.open(dir, StorageOptions.DEFAULTS);
        Transport rpc = Transport.create(TransportConfig.builder(CLUSTER).nodeId(id).ioThreads(1).build(), codec());
        NettyRaftTransport transport = NettyRaftTransport.listen(rpc, peers.get(id));
        WaitingApplier applier = new WaitingApplier();
        RaftNode node = new RaftNode(NodeOptions.of(config), storage, transport, applier);
        transport.onMessage(node::receive);
        transport.onRequest((from, request) -> serve(node, applier, request));
        peers.forEach(transport::addPeer);
        node.start();
        System.out.println("READY");
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static CompletableFuture<?> serve(RaftNode node, WaitingApplier applier, Object request) {
        if (request instanceof ProcessWireTypes.Propose p) {
            return node.propose(p.data())
                    .thenCompose(proposal -> applier.await(proposal.index(), proposal.term()))
                    .exceptionally(t -> t.getCause() instanceof NotLeaderException nl
                            ? new ProcessWireTypes.ProposeReply("NOT_LEADER", 0, nl.leaderHint())
                            : new ProcessWireTypes.ProposeReply("FAILED " + t, 0, 0));
        }
        NodeStatus s = node.status();
        return CompletableFuture.completedFuture(new ProcessWireTypes.StatusReply(s.id(), s.term(), s.role().name(),
                s.leader(), s.commitIndex(), s.appliedIndex()));
    }

    /** Answers a proposal once its index is applied: committed if the term there is the proposal's. */
    private static final class WaitingApplier implements Applier {
        private final Map<Long, List<Waiter>> waiters = new HashMap<>();
        private long appliedIndex;

        private record Waiter(long term, CompletableFuture<ProcessWireTypes.ProposeReply> future) {
        }

        /** Called on the node thread (the propose future completes there). */
        synchronized CompletableFuture<ProcessWireTypes.ProposeReply> await(long index, long term) {
            CompletableFuture<ProcessWireTypes.ProposeReply> f = new CompletableFuture<>();
            if (index <= appliedIndex) {
                f.complete(new ProcessWireTypes.ProposeReply("LOST", index, 0));
            } else {
                waiters.computeIfAbsent(index, i -> new ArrayList<>()).add(new Waiter(term, f));
            }
            return f;
        }

        @Override
        public synchronized void apply(Entry entry) {
            appliedIndex = entry.index();
            List<Waiter> ws = waiters.remove(entry.index());
            if (ws != null) {
                for (Waiter w : ws) {
                    w.future().complete(new ProcessWireTypes.ProposeReply(
                            w.term() == entry.term() ? "COMMITTED" : "LOST", entry.index(), 0));
                }
            }
        }

        @Override
        public synchronized void restore(Snapshot snapshot) {
            appliedIndex = snapshot.index();
            // Whatever a snapshot covers is no longer visible entry by entry.
            waiters.entrySet().removeIf(e -> {
                if (e.getKey() > appliedIndex) {
                    return false;
                }
                e.getValue().forEach(w -> w.future().complete(
                        new ProcessWireTypes.ProposeReply("UNKNOWN", e.getKey(), 0)));
                return true;
            });
        }
    }
}
