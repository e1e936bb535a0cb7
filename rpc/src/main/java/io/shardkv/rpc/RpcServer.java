package io.shardkv.rpc;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.tls.TlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A listening socket that accepts peers, runs the handshake with each and hands their messages
 * and requests to an {@link RpcHandler}. Created by {@link Transport#listen}.
 */
public final class RpcServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RpcServer.class);

    private final Channel listener;
    private final ChannelGroup connections;
    private final InetSocketAddress localAddress;

    private final RpcCounters counters;
    private final UnansweredRequests unanswered;

    private RpcServer(Channel listener, ChannelGroup connections, RpcCounters counters, UnansweredRequests unanswered) {
        this.counters = counters;
        this.unanswered = unanswered;
        this.listener = listener;
        this.connections = connections;
        this.localAddress = (InetSocketAddress) listener.localAddress();
    }

    /** Binds {@code address} (port 0 = any free port) and waits until bound. */
    static RpcServer listen(InetSocketAddress address, RpcHandler handler, TransportConfig config, Codec codec,
                            EventLoops loops, TlsContexts tls) throws IOException {
        ChannelGroup connections = new DefaultChannelGroup("accepted on " + address, loops.group().next());
        RpcCounters counters = new RpcCounters();
        UnansweredRequests unanswered = new UnansweredRequests();
        ServerPipeline pipeline = new ServerPipeline(config, codec, handler, counters, unanswered, tls);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.group())
                .channel(loops.serverChannelClass())
                .option(ChannelOption.SO_REUSEADDR, true) // rebinding after a restart must not wait out TIME_WAIT
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        connections.add(channel);
                        pipeline.install(channel);
                    }
                });
        // Addresses from configuration (HostPort) are unresolved; a server binds where its name points now.
        InetSocketAddress local = address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort())
                : address;
        if (local.isUnresolved()) {
            throw new IOException("cannot listen on " + HostPort.format(address) + ": the host name does not resolve");
        }
        ChannelFuture bound = bootstrap.bind(local).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen on " + HostPort.format(address) + ": " + bound.cause().getMessage(),
                    bound.cause());
        }
        RpcServer server = new RpcServer(bound.channel(), connections, counters, unanswered);
        LOG.info("listening on {} (cluster '{}', node {}, {})", server.localAddress, config.clusterId(), config.nodeId(),
                tls == null ? "plain TCP: no TLS, anyone who can reach the port is trusted" : "mutual TLS");
        return server;
    }

    /** The address actually bound, with the port chosen by the system if 0 was asked for. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Whether the port still accepts connections. */
    public boolean isListening() {
        return listener.isOpen();
    }

    /** What this port received and what went wrong on it; any thread. */
    public RpcCounters counters() {
        return counters;
    }

    /** Connections currently accepted, including those still in their handshake. */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * Stops listening and closes every accepted connection, waiting until the port is released.
     * Must not be called from a transport thread.
     */
    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        connections.close().awaitUninterruptibly();
        LOG.info("stopped listening on {}", localAddress);
    }

    /**
     * Stops accepting connections, then waits up to {@code grace} until every request already
     * received has had its answer written out, then closes like {@link #close()}. Requests arriving
     * meanwhile on open connections are still handled; the handler decides what to answer them.
     * Must not be called from a transport thread.
     */
    public void closeGracefully(Duration grace) throws InterruptedException {
        listener.close().awaitUninterruptibly();
        if (!unanswered.awaitAnswered(grace)) {
            LOG.warn("closing {} with {} request(s) still unanswered after {} ms", localAddress, unanswered.size(),
                    grace.toMillis());
        }
        close();
    }
}
