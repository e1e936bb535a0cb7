package io.shardkv.raft.node;

import io.shardkv.raft.transport.NettyRaftTransport;
import io.shardkv.raft.transport.RaftWireTypes;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.codec.Codec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real sockets on 127.0.0.1 for an in-process {@link NodeCluster}: each node listens on its own
 * port (chosen by the system the first time, reused on restart) and connects to every other.
 */
final class SocketTransports implements NodeCluster.TransportFactory {

    private static final String CLUSTER = "node-test";

    private final Codec codec = Codec.builder().install(new RaftWireTypes()).build();
    private final EventLoops loops = EventLoops.create(TransportConfig.builder(CLUSTER).ioThreads(2).build());
    private final Map<Integer, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    private final Map<Integer, NettyRaftTransport> live = new ConcurrentHashMap<>();

    @Override
    public RaftTransport transportFor(int id, Map<Integer, RaftNode> nodes) throws IOException {
        Transport rpc = Transport.create(TransportConfig.builder(CLUSTER).nodeId(id).build(), codec, loops);
        NettyRaftTransport t = NettyRaftTransport.listen(rpc,
                addresses.getOrDefault(id, new InetSocketAddress("127.0.0.1", 0)));
        addresses.put(id, t.localAddress());
        t.onMessage(m -> {
            RaftNode node = nodes.get(id);
            if (node != null) {
                node.receive(m);
            }
        });
        addresses.forEach(t::addPeer);
        live.forEach((peer, other) -> other.addPeer(id, t.localAddress()));
        live.put(id, t);
        return t;
    }

    @Override
    public void shutdown(int id) {
        NettyRaftTransport t = live.remove(id);
        if (t != null) {
            t.close();
        }
    }

    @Override
    public void close() {
        live.keySet().forEach(this::shutdown);
        loops.close();
    }
}
