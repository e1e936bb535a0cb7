package io.shardkv.rpc;

import io.netty.channel.Channel;
import io.shardkv.rpc.ConnectionLimits.Limit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Enforces one server's {@link ConnectionLimits} across its accepted connections: counts them in
 * total and per remote address, and holds the budget of bytes buffered for incomplete frames. A
 * limit hit is counted every time and logged once per limit (a flood must not become a flood of
 * log lines). Any thread.
 */
final class ServerEdge {

    private static final Logger LOG = LoggerFactory.getLogger(ServerEdge.class);

    private final ConnectionLimits limits;
    private final RpcCounters counters;
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final Set<Limit> logged = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean firstDenial = new AtomicBoolean();
    private final AtomicLong memberFrameBytes = new AtomicLong();
    private final AtomicLong clientFrameBytes = new AtomicLong();

    ServerEdge(ConnectionLimits limits, RpcCounters counters) {
        this.limits = limits;
        this.counters = counters;
    }

    ConnectionLimits limits() {
        return limits;
    }

    /**
     * Counts {@code channel} as open until it closes. Returns why it must be refused, in words for
     * the peer, or null if it is within the limits.
     */
    String admit(Channel channel) {
        int total = counters.connectionOpened();
        InetAddress address = remoteAddress(channel);
        int fromAddress = address == null ? 0 : perAddress.merge(address, 1, Integer::sum);
        channel.closeFuture().addListener(closed -> released(address));
        if (total > limits.maxConnections()) {
            String reason = "the server already has " + limits.maxConnections() + " connections open, the most "
                    + flag(Limit.CONNECTIONS) + " allows";
            hit(Limit.CONNECTIONS, channel, "refusing connections: " + reason);
            return reason;
        }
        if (fromAddress > limits.maxConnectionsPerAddress()) {
            String reason = "the server already has " + limits.maxConnectionsPerAddress() + " connections from "
                    + address.getHostAddress() + ", the most " + flag(Limit.CONNECTIONS_PER_ADDRESS) + " allows";
            hit(Limit.CONNECTIONS_PER_ADDRESS, channel, "refusing connections: " + reason);
            return reason;
        }
        return null;
    }

    /**
     * Takes {@code bytes} more of an incomplete-frame budget, or gives them back if negative.
     * Returns false, taking nothing, if the budget cannot hold them. Cluster members (peers that
     * announced a node id: with TLS, holders of server certificates) have a budget of their own, so
     * clients filling theirs cannot starve replication and migration.
     */
    boolean reserveIncompleteFrameBytes(boolean member, long bytes) {
        AtomicLong pool = member ? memberFrameBytes : clientFrameBytes;
        long total = pool.addAndGet(bytes);
        if (bytes > 0 && total > limits.maxIncompleteFrameBytes()) {
            pool.addAndGet(-bytes);
            return false;
        }
        counters.addIncompleteFrameBytes(bytes);
        return true;
    }

    /** Moves {@code bytes} a connection holds from the clients' budget to the members' (at its handshake). */
    void moveToMembers(long bytes) {
        clientFrameBytes.addAndGet(-bytes);
        memberFrameBytes.addAndGet(bytes);
    }

    /** Counts a hit of {@code limit} on {@code channel}; the first one per limit is logged at WARN. */
    void hit(Limit limit, Channel channel, String what) {
        counters.limitHit(limit);
        if (logged.add(limit)) {
            LOG.warn("{} (connection from {}). This is logged once; every hit of {} is counted in the server's"
                    + " limit metrics", what, channel.remoteAddress(), flag(limit));
        } else {
            LOG.debug("{} (connection from {})", what, channel.remoteAddress());
        }
    }

    /** Logs the first request this server refuses for its role at WARN; every refusal is counted by the caller. */
    void denied(Channel channel, String reason) {
        if (firstDenial.compareAndSet(false, true)) {
            LOG.warn("refused a request from {}: {}. This is logged once; every refusal is counted in the server's"
                    + " permission metrics", channel.remoteAddress(), reason);
        } else {
            LOG.debug("refused a request from {}: {}", channel.remoteAddress(), reason);
        }
    }

    static String flag(Limit limit) {
        return "--" + limit.setting();
    }

    private void released(InetAddress address) {
        counters.connectionClosed();
        if (address != null) {
            perAddress.computeIfPresent(address, (a, count) -> count == 1 ? null : count - 1);
        }
    }

    private static InetAddress remoteAddress(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress socket ? socket.getAddress() : null;
    }
}
