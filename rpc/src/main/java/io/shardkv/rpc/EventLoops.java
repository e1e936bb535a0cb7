package io.shardkv.rpc;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The transport threads: a Netty event loop group on Linux epoll when its native library is
 * available (and wanted), NIO otherwise, with the matching channel classes. One group can serve
 * several {@link Transport}s, e.g. many nodes in one test JVM.
 */
public final class EventLoops implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoops.class);
    /** The choice is logged at INFO once per JVM, later groups at DEBUG. */
    private static final AtomicBoolean CHOICE_LOGGED = new AtomicBoolean();

    private final EventLoopGroup group;
    private final boolean nativeTransport;
    private final Duration quietPeriod;
    private final Duration timeout;

    private EventLoops(TransportConfig config) {
        this.nativeTransport = config.preferNativeTransport() && Epoll.isAvailable();
        IoHandlerFactory io = nativeTransport ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("shardkv-io"), io);
        this.quietPeriod = config.shutdownQuietPeriod();
        this.timeout = config.shutdownTimeout();
        logChoice(config);
    }

    /** Starts {@link TransportConfig#ioThreads()} event loop threads. */
    public static EventLoops create(TransportConfig config) {
        return new EventLoops(config);
    }

    /** True if the threads run Linux epoll, false for NIO. */
    public boolean isNative() {
        return nativeTransport;
    }

    EventLoopGroup group() {
        return group;
    }

    /**
     * A server bootstrap on these threads, for a port that speaks another protocol than the
     * transport's (a replica's RESP port): the group, the channel class, and rebinding at once
     * after a restart.
     */
    public ServerBootstrap serverBootstrap() {
        return new ServerBootstrap().group(group).channel(serverChannelClass())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true);
    }

    Class<? extends SocketChannel> socketChannelClass() {
        return nativeTransport ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    Class<? extends ServerSocketChannel> serverChannelClass() {
        return nativeTransport ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /**
     * Shuts the threads down gracefully (closing every connection on them) and waits for it, at
     * most {@link TransportConfig#shutdownTimeout()} plus the quiet period.
     *
     * @throws IllegalStateException if called from one of these threads, which would wait for itself
     */
    @Override
    public void close() {
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                throw new IllegalStateException("EventLoops.close() called from its own event loop thread");
            }
        }
        group.shutdownGracefully(quietPeriod.toNanos(), timeout.toNanos(), TimeUnit.NANOSECONDS);
        boolean terminated = group.terminationFuture()
                .awaitUninterruptibly(timeout.plus(quietPeriod).toNanos(), TimeUnit.NANOSECONDS);
        if (!terminated) {
            LOG.warn("event loops did not terminate within {}", timeout.plus(quietPeriod));
        }
    }

    private void logChoice(TransportConfig config) {
        String choice = nativeTransport ? "native epoll"
                : "NIO (" + (config.preferNativeTransport()
                        ? "epoll unavailable: " + Epoll.unavailabilityCause() : "native transport not wanted") + ")";
        if (CHOICE_LOGGED.compareAndSet(false, true)) {
            LOG.info("transport uses {} with {} event loop threads", choice, config.ioThreads());
        } else {
            LOG.debug("transport uses {} with {} event loop threads", choice, config.ioThreads());
        }
    }
}
