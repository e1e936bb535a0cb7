package io.shardkv.rpc;

import io.netty.channel.Channel;
import io.shardkv.rpc.codec.Codec;

/**
 * The handlers of an outbound connection: framing, the handshake (which installs the
 * {@link ResponseDispatcher}), and the guard that closes the connection on any error. Writes need
 * no handler: frames are encoded by the caller and flushed in batches by {@link PeerConnection}.
 */
final class ClientPipeline {

    private final TransportConfig config;
    private final Codec codec;
    private final Hello ours;

    ClientPipeline(TransportConfig config, Codec codec) {
        this.config = config;
        this.codec = codec;
        this.ours = Hello.of(config.clusterId(), config.nodeId());
    }

    void install(Channel channel, PendingRequests pending, ConnectorHandshake.Listener listener) {
        channel.pipeline()
                .addLast("frames", new FrameDecoder(config.maxFrameBytes()))
                .addLast("handshake", new ConnectorHandshake(ours, config.handshakeTimeout(),
                        () -> new ResponseDispatcher(pending, codec), listener))
                .addLast("guard", new ConnectionGuard("to", () -> { }));
    }
}
