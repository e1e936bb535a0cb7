package io.shardkv.rpc;

import io.netty.channel.Channel;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.tls.TlsContexts;

import java.net.InetSocketAddress;

/**
 * The handlers of an outbound connection: TLS if configured (verifying that the server's
 * certificate names the host dialled), framing, the handshake (which installs the
 * {@link ResponseDispatcher}), and the guard that closes the connection on any error. Writes need
 * no handler: frames are encoded by the caller and flushed in batches by {@link PeerConnection}.
 */
final class ClientPipeline {

    private final TransportConfig config;
    private final Codec codec;
    private final Hello ours;
    private final TlsContexts tls;
    private final InetSocketAddress address;
    private final String expectedService;

    /**
     * @param tls             null for plain TCP
     * @param expectedService what the server must serve; null for anything
     */
    ClientPipeline(TransportConfig config, Codec codec, TlsContexts tls, InetSocketAddress address,
                   String expectedService) {
        this.config = config;
        this.expectedService = expectedService;
        this.codec = codec;
        this.tls = tls;
        this.address = address;
        Hello hello = Hello.of(config.clusterId(), config.nodeId());
        this.ours = config.token().map(hello::withToken).orElse(hello);
    }

    void install(Channel channel, PendingRequests pending, ConnectorHandshake.Listener listener) {
        if (tls != null) {
            channel.pipeline().addLast("tls", tls.client().newHandler(channel.alloc(), address.getHostString(),
                    address.getPort()));
        }
        channel.pipeline()
                .addLast("frames", new FrameDecoder(config.maxFrameBytes()))
                .addLast("handshake", new ConnectorHandshake(ours, config.handshakeTimeout(), expectedService,
                        () -> new ResponseDispatcher(pending, codec), listener))
                .addLast("guard", new ConnectionGuard("to", () -> { }));
    }
}
