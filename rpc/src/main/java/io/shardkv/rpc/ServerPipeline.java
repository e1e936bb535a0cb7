package io.shardkv.rpc;

import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.shardkv.rpc.codec.Codec;

/**
 * The handlers of an accepted connection, socket side first: flush consolidation (responses
 * written during one read burst, or from other threads in one event-loop turn, share a flush),
 * framing, the handshake (which installs the {@link ServerDispatcher}), and the guard that closes
 * the connection on any error.
 */
final class ServerPipeline {

    private final TransportConfig config;
    private final Codec codec;
    private final RpcHandler handler;
    private final Hello ours;
    private final RpcCounters counters;

    private final UnansweredRequests unanswered;

    ServerPipeline(TransportConfig config, Codec codec, RpcHandler handler, RpcCounters counters,
                   UnansweredRequests unanswered) {
        this.config = config;
        this.unanswered = unanswered;
        this.counters = counters;
        this.codec = codec;
        this.handler = handler;
        this.ours = Hello.of(config.clusterId(), config.nodeId());
    }

    void install(Channel channel) {
        channel.pipeline()
                .addLast("flush", new FlushConsolidationHandler(
                        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true))
                .addLast("frames", new FrameDecoder(config.maxFrameBytes()))
                .addLast("handshake", new AcceptorHandshake(ours, config.handshakeTimeout(),
                        peerNodeId -> new ServerDispatcher(peerNodeId, handler, codec, config.maxFrameBytes(),
                                counters, unanswered)))
                .addLast("guard", new ConnectionGuard("from", counters::protocolError));
    }
}
