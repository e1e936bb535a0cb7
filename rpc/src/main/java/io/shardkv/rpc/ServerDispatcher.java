package io.shardkv.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.shardkv.rpc.ConnectionLimits.Limit;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.codec.CodecException;
import io.shardkv.rpc.tls.RequiresRole;
import io.shardkv.rpc.tls.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Hands the frames of an accepted connection to the {@link RpcHandler} once the handshake is
 * done, and writes each request's result back as RESPONSE, or ERROR if it failed. The peer is a
 * client of this connection: a RESPONSE, ERROR or second HELLO from it is a protocol error.
 *
 * <p>A request the connection's role may not make ({@link RequiresRole}) is answered DENIED without
 * reaching the handler, counted, and logged once per server. It also applies the per-connection limits: at {@link ConnectionLimits#maxRequestsPerConnection()}
 * unanswered requests it stops reading the connection until an answer has gone out, and a client
 * connection (node id 0) with nothing in progress is closed when the pipeline's idle timer fires.
 */
final class ServerDispatcher extends SimpleChannelInboundHandler<Frame> {

    private static final Logger LOG = LoggerFactory.getLogger(ServerDispatcher.class);
    /** ERROR bodies (a failure's class and message) are cut to this many bytes. */
    static final int MAX_ERROR_BYTES = 1024;

    /** Counts the bytes received and the requests answered with ERROR. */
    private final RpcCounters counters;

    private final int peerNodeId;
    private final AcceptorHandshake.Peer peer;
    private final RpcHandler handler;
    private final Codec codec;
    private final int maxFrameBytes;
    private final UnansweredRequests unanswered;
    private final ServerEdge edge;
    /** Requests received here whose answer is not yet written (event loop only). */
    private int inFlight;

    ServerDispatcher(AcceptorHandshake.Peer peer, RpcHandler handler, Codec codec, int maxFrameBytes,
                     RpcCounters counters, UnansweredRequests unanswered, ServerEdge edge) {
        this.edge = edge;
        this.peer = peer;
        this.counters = counters;
        this.unanswered = unanswered;
        this.peerNodeId = peer.nodeId();
        this.handler = handler;
        this.codec = codec;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        counters.received(Frame.LENGTH_FIELD_BYTES + Frame.HEADER_BYTES + frame.content().readableBytes());
        switch (frame.kind) {
            case MESSAGE -> handler.onMessage(peerNodeId, body(frame));
            case REQUEST -> dispatch(ctx.channel(), frame.correlationId, body(frame));
            default -> throw new ProtocolException("unexpected " + frame.kind + " frame from the connecting side");
        }
    }

    /** Handlers never see null: senders cannot send it, so a null body is a forged frame. */
    private Object body(Frame frame) {
        Object body = Frames.decodeBody(codec, frame);
        if (body == null) {
            throw new ProtocolException(frame.kind + " frame (correlation id " + frame.correlationId + ") has a null body");
        }
        return body;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent && peerNodeId == 0 && inFlight == 0
                && ConnectionGuard.firstToClose(ctx.channel())) {
            edge.hit(Limit.CLIENT_IDLE_TIMEOUT, ctx.channel(), "closing a client connection idle for "
                    + edge.limits().clientIdleTimeout().toMillis() + " ms (" + ServerEdge.flag(Limit.CLIENT_IDLE_TIMEOUT) + ")");
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    private void dispatch(Channel channel, long correlationId, Object request) {
        Role needed = RequiresRole.of(request);
        if (!peer.role().includes(needed)) {
            deny(channel, correlationId, request, needed);
            return;
        }
        CompletableFuture<Void> answered = unanswered.received();
        started(channel);
        CompletableFuture<?> result;
        try {
            result = handler.onRequest(peerNodeId, request);
            if (result == null) {
                result = CompletableFuture.failedFuture(new IllegalStateException("onRequest returned null"));
            }
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        // Completes on whatever thread finishes the work; writeAndFlush hands the frame to the loop.
        result.whenComplete((value, error) ->
                channel.writeAndFlush(answer(channel, correlationId, request, value, error))
                        .addListener(written -> {
                            answered.complete(null);
                            finished(channel);
                        }));
    }

    private void deny(Channel channel, long correlationId, Object request, Role needed) {
        String reason = MetricLabel.of(request, request.getClass().getSimpleName())
                + " needs role " + needed.title() + "; " + peer.name() + " has role "
                + peer.role().title();
        counters.denied();
        edge.denied(channel, "PERMISSION_DENIED: " + reason);
        // Counted as in flight like any answer: a peer that sends denied requests and reads nothing is paused too.
        started(channel);
        channel.writeAndFlush(Frames.raw(channel.alloc(), FrameKind.DENIED, correlationId,
                Text.utf8(reason, MAX_ERROR_BYTES))).addListener(written -> finished(channel));
    }

    private void started(Channel channel) {
        if (++inFlight == edge.limits().maxRequestsPerConnection()) {
            channel.config().setAutoRead(false);
            edge.hit(Limit.REQUESTS_PER_CONNECTION, channel, "pausing reads of a connection with "
                    + inFlight + " requests unanswered, the most " + ServerEdge.flag(Limit.REQUESTS_PER_CONNECTION)
                    + " allows, until answers go out");
        }
    }

    /** On the event loop: write listeners run there. */
    private void finished(Channel channel) {
        if (inFlight-- == edge.limits().maxRequestsPerConnection()) {
            channel.config().setAutoRead(true);
        }
    }

    private ByteBuf answer(Channel channel, long correlationId, Object request, Object value, Throwable error) {
        ByteBufAllocator alloc = channel.alloc();
        Throwable failure = error;
        if (failure == null) {
            try {
                return Frames.encode(alloc, FrameKind.RESPONSE, correlationId, value, codec, maxFrameBytes);
            } catch (IllegalArgumentException | CodecException e) {
                failure = e;
            }
        }
        if (failure instanceof CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        counters.requestFailed();
        LOG.warn("request #{} ({}) from node {} at {} failed: {}", correlationId, request.getClass().getName(),
                peerNodeId, channel.remoteAddress(), failure.toString(), failure);
        return Frames.raw(alloc, FrameKind.ERROR, correlationId, Text.utf8(failure.toString(), MAX_ERROR_BYTES));
    }
}
