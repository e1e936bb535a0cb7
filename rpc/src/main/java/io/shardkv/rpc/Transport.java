package io.shardkv.rpc;

import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.tls.TlsContexts;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Entry point of the rpc layer: one per process (or per simulated node in tests). It holds the
 * settings, the codec and the event loop threads, and makes servers and peer connections that
 * share them.
 *
 * <pre>{@code
 * Codec codec = Codec.builder().install(new RaftWireTypes()).build();
 * try (Transport transport = Transport.create(TransportConfig.builder("prod").nodeId(1).build(), codec)) {
 *     RpcServer server = transport.listen(new InetSocketAddress("0.0.0.0", 7001), handler);
 *     PeerConnection peer2 = transport.connect(new InetSocketAddress("10.0.0.2", 7001));
 *     peer2.send(new Heartbeat(...));
 * }
 * }</pre>
 */
public final class Transport implements AutoCloseable {

    private final TransportConfig config;
    private final Codec codec;
    private final EventLoops loops;
    private final boolean ownsLoops;
    /** Null for plain TCP. */
    private final TlsContexts tls;

    private Transport(TransportConfig config, Codec codec, EventLoops loops, boolean ownsLoops, TlsContexts tls) {
        this.config = Objects.requireNonNull(config, "config");
        this.tls = tls;
        this.codec = Objects.requireNonNull(codec, "codec");
        this.loops = Objects.requireNonNull(loops, "loops");
        this.ownsLoops = ownsLoops;
    }

    /**
     * A transport with its own event loop threads, shut down by {@link #close()}. With TLS
     * configured, its files are read now: an IllegalArgumentException names one that cannot be used.
     */
    public static Transport create(TransportConfig config, Codec codec) {
        TlsContexts tls = tls(config); // before the threads, which a bad file would otherwise leave running
        return new Transport(config, codec, EventLoops.create(config), true, tls);
    }

    /** A transport on shared event loop threads, which {@link #close()} leaves running. */
    public static Transport create(TransportConfig config, Codec codec, EventLoops loops) {
        return new Transport(config, codec, loops, false, tls(config));
    }

    private static TlsContexts tls(TransportConfig config) {
        boolean tokens = Objects.requireNonNull(config, "config").tokens().isPresent();
        return config.tls().map(files -> TlsContexts.load(files, tokens)).orElse(null);
    }

    public TransportConfig config() {
        return config;
    }

    /**
     * Listens on {@code address} (port 0 = any free port; see {@link RpcServer#localAddress()}).
     * Returns once bound.
     *
     * @throws IOException if the address cannot be bound
     */
    public RpcServer listen(InetSocketAddress address, RpcHandler handler) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(handler, "handler");
        return RpcServer.listen(address, handler, config, codec, loops, tls);
    }

    /** A connection to {@code address}, established (and re-established) in the background. */
    public PeerConnection connect(InetSocketAddress address) {
        return connect(address, null);
    }

    /**
     * The same, to a server that must serve {@code expectedService} ({@link Services}): another kind
     * of server fails the connection, and its requests, with a reason that says what it is.
     */
    public PeerConnection connect(InetSocketAddress address, String expectedService) {
        Objects.requireNonNull(address, "address");
        return PeerConnection.open(address, config, codec, loops, tls, expectedService);
    }

    /**
     * Shuts down the event loop threads if this transport created them, which closes every server
     * and connection on them. With shared threads, close servers and connections yourself.
     */
    @Override
    public void close() {
        if (ownsLoops) {
            loops.close();
        }
    }
}
