package io.shardkv.raft.process;

import io.shardkv.raft.core.RaftConfig;
import io.shardkv.raft.node.CommitTracker;
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
        CommitTracker applier = new CommitTracker();
        RaftNode node = new RaftNode(NodeOptions.of(config), storage, transport, applier);
        transport.onMessage(node::receive);
        transport.onRequest((from, request) -> serve(node, applier, request));
        peers.forEach(transport::addPeer);
        node.start();
        System.out.println("READY");
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static CompletableFuture<?> serve(RaftNode node, CommitTracker applier, Object request) {
        if (request instanceof ProcessWireTypes.Propose p) {
            return node.propose(p.data())
                    .thenCompose(proposal -> applier.await(proposal)
                            .thenApply(outcome -> new ProcessWireTypes.ProposeReply(outcome.name(), proposal.index(), 0)))
                    .exceptionally(t -> t.getCause() instanceof NotLeaderException nl
                            ? new ProcessWireTypes.ProposeReply("NOT_LEADER", 0, nl.leaderHint())
                            : new ProcessWireTypes.ProposeReply("FAILED " + t, 0, 0));
        }
        NodeStatus s = node.status();
        return CompletableFuture.completedFuture(new ProcessWireTypes.StatusReply(s.id(), s.term(), s.role().name(),
                s.leader(), s.commitIndex(), s.appliedIndex()));
    }
}
