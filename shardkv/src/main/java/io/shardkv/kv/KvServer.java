package io.shardkv.kv;

import io.shardkv.raft.node.NodeStatus;
import io.shardkv.raft.node.RaftNode;
import io.shardkv.raft.node.RaftTransport;
import io.shardkv.raft.rsm.RsmHost;
import io.shardkv.raft.storage.RaftStorage;
import io.shardkv.raft.transport.NettyRaftTransport;
import io.shardkv.raft.transport.RaftWireTypes;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import io.shardkv.rpc.kv.KvWireTypes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One replica of a single-group key/value service: durable storage, a Raft node, the RSM host
 * with the key/value state machine, and one port for Raft peers and clients. Requests are handed
 * to the node's thread; each is answered within the configured request timeout (TIMEOUT if its
 * outcome is not known by then — a retry with the same session and seq is safe).
 */
public final class KvServer implements AutoCloseable {

    private final KvServerConfig config;
    private final Transport rpc;
    private final NettyRaftTransport transport;
    private final RaftNode node;
    private final KvStateMachine stateMachine = new KvStateMachine();
    private final RsmHost[] host = new RsmHost[1];
    private final KvService service;

    /** Which Raft messages may pass between two replicas; a seam for tests that cut links. */
    @FunctionalInterface
    interface LinkFilter {
        LinkFilter OPEN = (from, to) -> true;

        boolean allows(int from, int to);
    }

    private KvServer(KvServerConfig config, EventLoops loops, LinkFilter links) throws IOException {
        this.config = config;
        RaftStorage storage = RaftStorage.open(config.dataDir(), config.storage());
        this.rpc = Transport.create(TransportConfig.builder(config.clusterId()).nodeId(config.id()).build(), codec(),
                loops);
        this.transport = NettyRaftTransport.listen(rpc, config.peers().get(config.id()));
        RaftTransport outbound = m -> {
            if (links.allows(m.from(), m.to())) {
                transport.send(m);
            }
        };
        this.node = new RaftNode(config.nodeOptions(), storage, outbound, log -> {
            host[0] = new RsmHost(stateMachine, log, config.rsm(), System::currentTimeMillis);
            return host[0];
        });
        this.service = new KvService(host[0], this::addressOf);
        transport.onMessage(m -> {
            if (links.allows(m.from(), m.to())) {
                node.receive(m);
            }
        });
        transport.onRequest((from, request) -> handle(request));
        config.peers().forEach(transport::addPeer);
    }

    /** The codec of the key/value service's port: Raft messages and key/value requests. */
    public static Codec codec() {
        return Codec.builder().install(new RaftWireTypes()).install(new KvWireTypes()).build();
    }

    /** Opens the replica's storage, binds its port and starts its node. */
    public static KvServer start(KvServerConfig config, EventLoops loops) throws IOException {
        return start(config, loops, LinkFilter.OPEN);
    }

    static KvServer start(KvServerConfig config, EventLoops loops, LinkFilter links) throws IOException {
        KvServer server = new KvServer(config, loops, links);
        server.node.start();
        return server;
    }

    private String addressOf(int nodeId) {
        InetSocketAddress a = config.peers().get(nodeId);
        return a == null ? null : a.getHostString() + ":" + a.getPort();
    }

    private CompletableFuture<KvResponse> handle(Object request) {
        if (!(request instanceof KvRequest r)) {
            return CompletableFuture.completedFuture(KvResponse.refused(KvStatus.BAD_REQUEST,
                    "expected a KvRequest, got " + request.getClass().getSimpleName()));
        }
        CompletableFuture<KvResponse> f = new CompletableFuture<>();
        node.execute(() -> service.handle(r, f::complete));
        return f.completeOnTimeout(KvResponse.refused(KvStatus.TIMEOUT, "no outcome within "
                + config.requestTimeout().toMillis() + " ms"), config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    public NodeStatus status() {
        return node.status();
    }

    public RaftNode node() {
        return node;
    }

    public InetSocketAddress address() {
        return transport.localAddress();
    }

    /** Stops serving: closes the port and connections, then the node and its storage. */
    @Override
    public void close() throws IOException {
        transport.close();
        node.close();
    }
}
