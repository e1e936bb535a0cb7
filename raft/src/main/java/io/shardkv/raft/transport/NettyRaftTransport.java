package io.shardkv.raft.transport;

import io.shardkv.raft.core.Message;
import io.shardkv.raft.node.RaftTransport;
import io.shardkv.rpc.PeerConnection;
import io.shardkv.rpc.RpcHandler;
import io.shardkv.rpc.RpcCounters;
import io.shardkv.rpc.RpcServer;
import io.shardkv.rpc.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raft over the rpc layer: one listening port per node, which takes the one-way Raft messages of
 * its peers and (optionally) requests of clients, and one outbound {@link PeerConnection} per
 * peer. A message is accepted only from the peer it claims to come from (as identified by the
 * handshake) and only if addressed to this node; anything else is dropped and counted.
 */
public final class NettyRaftTransport implements RaftTransport, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NettyRaftTransport.class);

    private final int id;
    private final Transport transport;
    private final Map<Integer, PeerConnection> peers = new ConcurrentHashMap<>();
    private final RpcServer server;
    private volatile Consumer<Message> inbound = m -> { };
    private volatile BiFunction<Integer, Object, CompletableFuture<?>> requests =
            (from, request) -> CompletableFuture.failedFuture(new IllegalStateException("no service on this port"));
    private final AtomicLong rejected = new AtomicLong();

    private NettyRaftTransport(int id, Transport transport, InetSocketAddress listen) throws IOException {
        this.id = id;
        this.transport = transport;
        this.server = transport.listen(listen, new Handler());
    }

    /**
     * Listens on {@code listen} (port 0: any free port) for the node whose id is the rpc
     * transport's node id. Peers are added with {@link #addPeer}.
     */
    public static NettyRaftTransport listen(Transport transport, InetSocketAddress listen) throws IOException {
        int id = transport.config().nodeId();
        if (id < 1) {
            throw new IllegalArgumentException("a Raft transport needs the node's id (>= 1), got " + id);
        }
        return new NettyRaftTransport(id, transport, listen);
    }

    /** Starts connecting to peer {@code peer} at {@code address} (this node's own id is ignored). */
    public synchronized void addPeer(int peer, InetSocketAddress address) {
        if (peer != id && !peers.containsKey(peer)) {
            peers.put(peer, transport.connect(address));
        }
    }

    /** The peers this transport sends to. */
    public synchronized Set<Integer> peerIds() {
        return Set.copyOf(peers.keySet());
    }

    /** Stops sending to {@code peer} and closes the connection to it (it left the group). */
    public synchronized void removePeer(int peer) {
        PeerConnection c = peers.remove(peer);
        if (c != null) {
            c.close();
        }
    }

    /** Where incoming Raft messages go (typically {@code RaftNode::receive}). */
    public void onMessage(Consumer<Message> target) {
        this.inbound = target;
    }

    /** Who answers client requests arriving on this port. */
    public void onRequest(BiFunction<Integer, Object, CompletableFuture<?>> handler) {
        this.requests = handler;
    }

    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    /** What this node's port received and what went wrong on it (client requests and peers alike); any thread. */
    public RpcCounters counters() {
        return server.counters();
    }

    /** Messages refused because they were misaddressed or came from the wrong peer. */
    public long rejectedMessages() {
        return rejected.get();
    }

    /** Messages dropped on the way out (peer unreachable and its queue full). */
    public long droppedMessages() {
        return peers.values().stream().mapToLong(PeerConnection::droppedMessages).sum();
    }

    /** The traffic to each peer this transport connects to now, by node id; any thread. */
    public Map<Integer, PeerTraffic> peerTraffic() {
        Map<Integer, PeerTraffic> out = new TreeMap<>();
        peers.forEach((id, c) -> out.put(id, new PeerTraffic(c.sentMessages(), c.sentBytes(), c.sendFailures(),
                c.droppedMessages(), c.isConnected())));
        return out;
    }

    /** Sends {@code request} to peer {@code peer}'s port; fails at once if this transport has no such peer. */
    public CompletableFuture<Object> request(int peer, Object request, Duration timeout) {
        PeerConnection c = peers.get(peer);
        return c == null ? CompletableFuture.failedFuture(new IllegalArgumentException("no peer " + peer))
                : c.request(request, timeout);
    }

    @Override
    public void send(Message message) {
        PeerConnection peer = peers.get(message.to());
        if (peer != null) {
            peer.send(message);
        }
    }

    private final class Handler implements RpcHandler {
        @Override
        public void onMessage(int fromNodeId, Object message) {
            if (message instanceof Message m && m.from() == fromNodeId && m.to() == id) {
                inbound.accept(m);
            } else if (rejected.incrementAndGet() % 1000 == 1) {
                LOG.warn("node {}: dropping {} from peer {} (misaddressed or not a Raft message; {} so far)", id,
                        message.getClass().getSimpleName(), fromNodeId, rejected.get());
            }
        }

        @Override
        public CompletableFuture<?> onRequest(int fromNodeId, Object request) {
            return requests.apply(fromNodeId, request);
        }
    }

    /** Closes the connections and the listening port; the rpc {@link Transport} is the caller's to close. */
    @Override
    public synchronized void close() {
        peers.values().forEach(PeerConnection::close);
        server.close();
    }

    /**
     * Like {@link #close()}, but first lets requests already received get their answers out
     * (at most {@code grace}) while Raft traffic still flows, so they can still commit; see
     * {@link RpcServer#closeGracefully}.
     */
    public synchronized void closeGracefully(Duration grace) throws InterruptedException {
        server.closeGracefully(grace);
        peers.values().forEach(PeerConnection::close);
    }
}
