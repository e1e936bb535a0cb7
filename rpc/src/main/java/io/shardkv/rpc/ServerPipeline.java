package io.shardkv.rpc;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.tls.TlsContexts;
import io.shardkv.rpc.tls.TokenFile;

import java.util.concurrent.TimeUnit;

/**
 * The handlers of an accepted connection, socket side first: TLS if configured (a certificate from
 * the cluster CA required), flush consolidation (responses
 * written during one read burst, or from other threads in one event-loop turn, share a flush),
 * framing (frames no larger than a HELLO until the handshake is done), the idle timer (fed by
 * complete frames only, so a frame held half-sent is idleness), the handshake (which installs the
 * {@link ServerDispatcher}), and the guard that closes the connection on any error. A connection
 * beyond the connection limits gets a pipeline that only says so and closes.
 */
final class ServerPipeline {

    /** Holds the largest HELLO: a peer cannot make the server buffer more before it has introduced itself. */
    static final int HANDSHAKE_MAX_FRAME_BYTES = TransportConfig.MIN_FRAME_BYTES;

    private final TransportConfig config;
    private final Codec codec;
    private final RpcHandler handler;
    private final Hello ours;
    private final RpcCounters counters;
    private final UnansweredRequests unanswered;
    private final ServerEdge edge;
    private final TlsContexts tls;
    private final TokenFile tokens;

    /** @param tls null for plain TCP */
    ServerPipeline(TransportConfig config, Codec codec, RpcHandler handler, RpcCounters counters,
                   UnansweredRequests unanswered, TlsContexts tls) {
        this.tls = tls;
        this.tokens = config.tokens().map(TokenFile::load).orElse(null);
        this.config = config;
        this.unanswered = unanswered;
        this.counters = counters;
        this.codec = codec;
        this.handler = handler;
        this.ours = Hello.of(config.clusterId(), config.nodeId(), config.service());
        this.edge = new ServerEdge(config.limits(), counters);
    }

    /** Installs the handlers of a newly accepted connection, or, beyond the limits, those that refuse it. */
    void install(Channel channel) {
        String refusal = edge.admit(channel);
        if (tls != null) {
            channel.pipeline().addLast("tls", tls.server().newHandler(channel.alloc()));
        }
        if (refusal != null) {
            channel.pipeline().addLast("refusal", new Refusal(ours.refusing(refusal)));
            return;
        }
        FrameDecoder frames = new FrameDecoder(HANDSHAKE_MAX_FRAME_BYTES, edge);
        channel.pipeline()
                .addLast("flush", new FlushConsolidationHandler(
                        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true))
                .addLast("frames", frames)
                .addLast("idle", new IdleStateHandler(0, 0, config.limits().clientIdleTimeout().toMillis(),
                        TimeUnit.MILLISECONDS))
                .addLast("handshake", new AcceptorHandshake(ours, config.handshakeTimeout(), tokens, peer -> {
                    frames.allowFrameBytes(config.maxFrameBytes(), peer.nodeId() > 0);
                    return new ServerDispatcher(peer, handler, codec, config.maxFrameBytes(), counters, unanswered, edge);
                }))
                .addLast("guard", new ConnectionGuard("from", counters::protocolError));
    }

    /**
     * Answers a connection that may not be served with a HELLO saying why, without waiting for the
     * peer's, and closes it. What the peer sends meanwhile is read and dropped: bytes left unread at
     * close would make the kernel reset the connection, and the peer might lose the reason.
     */
    private static final class Refusal extends ChannelInboundHandlerAdapter {
        private final Hello refusal;
        private boolean sent;

        Refusal(Hello refusal) {
            this.refusal = refusal;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (ctx.channel().isActive()) {
                refuse(ctx);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            refuse(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private void refuse(ChannelHandlerContext ctx) {
            if (sent) {
                return;
            }
            sent = true;
            ConnectionGuard.firstToClose(ctx.channel());
            ctx.writeAndFlush(refusal.encode(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
