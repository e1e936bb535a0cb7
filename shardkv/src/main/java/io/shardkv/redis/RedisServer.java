package io.shardkv.redis;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.shardkv.redis.resp.RespDecoder;
import io.shardkv.redis.resp.RespEncoder;
import io.shardkv.redis.resp.RespLimits;
import io.shardkv.redis.resp.RespReply;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.HostPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's RESP port: Redis clients connect here ({@code redis-cli -c}, Jedis, Lettuce, ...).
 * Each connection is decoded by {@link RespDecoder}, run by {@link RedisConnection} and is one
 * exactly-once session. At most {@code maxConnections} at a time; one more is told Redis's words
 * for it and closed.
 */
public final class RedisServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisServer.class);

    private final Channel listener;
    private final ChannelGroup connections;
    private final InetSocketAddress localAddress;

    private RedisServer(Channel listener, ChannelGroup connections) {
        this.listener = listener;
        this.connections = connections;
        this.localAddress = (InetSocketAddress) listener.localAddress();
    }

    /**
     * Binds {@code address} (port 0: any free port) and serves {@code backend} there.
     *
     * @param version shardkv's version, for HELLO and INFO
     */
    public static RedisServer listen(InetSocketAddress address, RedisBackend backend, EventLoops loops, String version,
                                     int maxConnections, RespLimits limits) throws IOException {
        RedisCommands commands = new RedisCommands(backend, new ConnectionCommands(backend, version,
                System::currentTimeMillis), new ClusterCommands(backend));
        ChannelGroup connections = new DefaultChannelGroup("RESP on " + address, GlobalEventExecutor.INSTANCE);
        AtomicLong ids = new AtomicLong();
        SecureRandom random = new SecureRandom();
        ChannelFuture bound = loops.serverBootstrap().childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                if (connections.size() >= maxConnections) {
                    ByteBuf refusal = channel.alloc().buffer();
                    RespEncoder.write(RespReply.error("ERR max number of clients reached"), 2, refusal);
                    channel.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                connections.add(channel);
                RedisClient client = new RedisClient(ids.incrementAndGet(), channel.remoteAddress(), channel.eventLoop(),
                        random.nextLong(),
                        System.currentTimeMillis());
                channel.pipeline().addLast(new RespDecoder(limits), new RedisConnection(commands, client));
            }
        }).bind(address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen for Redis clients on " + HostPort.format(address) + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        RedisServer server = new RedisServer(bound.channel(), connections);
        LOG.info("serving the Redis protocol (RESP2/RESP3) on {}: plain TCP, no AUTH", server.localAddress);
        return server;
    }

    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Connections open now. */
    public int connectionCount() {
        return connections.size();
    }

    /** Stops listening and closes every connection. Must not be called from an event loop thread. */
    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        connections.close().awaitUninterruptibly();
    }
}
