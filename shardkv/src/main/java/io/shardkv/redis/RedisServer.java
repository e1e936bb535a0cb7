package io.shardkv.redis;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.shardkv.redis.resp.RespBudget;
import io.shardkv.redis.resp.RespDecoder;
import io.shardkv.redis.resp.RespEncoder;
import io.shardkv.redis.resp.RespLimits;
import io.shardkv.redis.resp.RespReply;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.tls.PeerCertificates;
import io.shardkv.rpc.tls.TlsContexts;
import io.shardkv.rpc.tls.TokenFile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLPeerUnverifiedException;
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

    /** How long a stopping server waits for its connections' commands: a request timeout and a forwarded write's deadline. */
    public static final Duration DRAIN_LIMIT = Duration.ofSeconds(15);

    private final Channel listener;
    private final ChannelGroup connections;
    private final InetSocketAddress localAddress;
    private final RedisStats stats;
    private final RespBudget incomplete;

    private RedisServer(Channel listener, ChannelGroup connections, RedisStats stats, RespBudget incomplete) {
        this.listener = listener;
        this.connections = connections;
        this.localAddress = (InetSocketAddress) listener.localAddress();
        this.stats = stats;
        this.incomplete = incomplete;
    }

    /**
     * How a RESP port runs.
     *
     * @param maxConnections     Redis clients at a time
     * @param maxIncompleteBytes bytes all connections together may hold for commands not yet fully received
     * @param version            shardkv's version, for HELLO and INFO
     */
    public record Options(int maxConnections, long maxIncompleteBytes, RespLimits limits, String version) {

        /** As much as the cluster port buffers for frames not yet complete. */
        public static final long DEFAULT_MAX_INCOMPLETE_BYTES = 256L << 20;

        public Options {
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(version, "version");
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be positive, was " + maxConnections);
            }
            if (maxIncompleteBytes < limits.maxCommandBytes()) {
                throw new IllegalArgumentException("the incomplete-command budget (" + maxIncompleteBytes + " bytes) must"
                        + " hold at least one command of the largest size, " + limits.maxCommandBytes() + " bytes");
            }
        }
    }

    /**
     * Who may do what on the port.
     *
     * @param tls    TLS on the port (client certificates give the roles); null for plain TCP, where
     *               everyone who reaches the port may do everything, as on the cluster port
     * @param tokens the tokens AUTH accepts (TLS only); null for none
     */
    public record Security(TlsContexts tls, TokenFile tokens) {

        public static final Security PLAIN = new Security(null, null);

        public Security {
            if (tokens != null && tls == null) {
                throw new IllegalArgumentException("tokens need TLS: they would cross the network in the clear");
            }
        }
    }

    /** Binds {@code address} (port 0: any free port) and serves {@code backend} there. */
    public static RedisServer listen(InetSocketAddress address, RedisBackend backend, EventLoops loops, Options options,
                                     Security security) throws IOException {
        SecureRandom random = new SecureRandom();
        RedisCommands commands = new RedisCommands(backend, new ConnectionCommands(backend, options.version(),
                security.tokens(), System::currentTimeMillis), new ClusterCommands(backend),
                new KeyCommands(backend, new ScanCursors(random)));
        ChannelGroup connections = new DefaultChannelGroup("RESP on " + address, GlobalEventExecutor.INSTANCE);
        AtomicLong ids = new AtomicLong();
        RespBudget incomplete = new RespBudget(options.maxIncompleteBytes());
        RedisStats stats = new RedisStats();
        ChannelFuture bound = loops.serverBootstrap().childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                if (connections.size() >= options.maxConnections()) {
                    stats.connectionRefused();
                    ByteBuf refusal = channel.alloc().buffer();
                    RespEncoder.write(RespReply.error("ERR max number of clients reached"), 2, refusal);
                    channel.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                connections.add(channel);
                RedisClient client = new RedisClient(ids.incrementAndGet(), channel.remoteAddress(), channel.eventLoop(),
                        random.nextLong(), System.currentTimeMillis(), security.tls() != null);
                if (security.tls() != null) {
                    SslHandler tls = security.tls().server().newHandler(channel.alloc());
                    tls.handshakeFuture().addListener(done -> {
                        if (done.isSuccess()) {
                            client.identity = certificateHolder(tls);
                        }
                    });
                    channel.pipeline().addLast(tls);
                }
                channel.pipeline().addLast(new RespDecoder(options.limits(), incomplete), new RedisConnection(commands, client, stats));
            }
        }).bind(address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen for Redis clients on " + HostPort.format(address) + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        RedisServer server = new RedisServer(bound.channel(), connections, stats, incomplete);
        LOG.info("serving the Redis protocol (RESP2/RESP3) on {}: {}", server.localAddress, security.tls() == null
                ? "plain TCP, no AUTH: anyone who can reach the port may read and write"
                : "TLS; roles from client certificates" + (security.tokens() == null ? "" : " or AUTH tokens"));
        return server;
    }

    /** The client certificate's holder, or null if the client presented none (it may AUTH with a token). */
    private static PeerCertificates.Holder certificateHolder(SslHandler tls) {
        try {
            PeerCertificates.Holder h = PeerCertificates.of(tls.engine().getSession());
            return new PeerCertificates.Holder("the certificate of '" + h.name() + "'", h.role());
        } catch (SSLPeerUnverifiedException none) {
            return null;
        }
    }

    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Connections open now. */
    public int connectionCount() {
        return connections.size();
    }

    /** Bytes the connections hold now for commands not yet fully received. */
    public long incompleteBytes() {
        return incomplete.held();
    }

    public RedisStats stats() {
        return stats;
    }

    /**
     * Stops listening, lets every connection answer the commands it has read (at most
     * {@code drainLimit}), then closes them. Must not be called from an event loop thread.
     */
    public void close(Duration drainLimit) {
        listener.close().awaitUninterruptibly();
        List<CompletableFuture<Void>> drained = new ArrayList<>();
        for (Channel channel : connections) {
            RedisConnection connection = channel.pipeline().get(RedisConnection.class);
            if (connection != null) {
                drained.add(connection.drain(channel));
            }
        }
        try {
            CompletableFuture.allOf(drained.toArray(CompletableFuture[]::new)).get(drainLimit.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("closing Redis connections with commands still unanswered after {}", drainLimit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("draining a Redis connection failed", e.getCause());
        }
        connections.close().awaitUninterruptibly();
    }

    /** {@link #close(Duration)} with {@link #DRAIN_LIMIT}. */
    @Override
    public void close() {
        close(DRAIN_LIMIT);
    }
}
