package io.shardkv.rpc;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.IntFunction;

/**
 * The accepting side of the handshake: waits for the peer's HELLO, then answers with its own. A
 * peer with another magic, version or cluster id gets our HELLO carrying the reason, and the
 * connection is closed once that is written.
 */
final class AcceptorHandshake extends Handshake {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptorHandshake.class);

    private final IntFunction<ChannelHandler> dispatcherForNode;

    /** @param dispatcherForNode the dispatcher for a peer, given its announced node id */
    AcceptorHandshake(Hello ours, Duration timeout, IntFunction<ChannelHandler> dispatcherForNode) {
        super(ours, timeout);
        this.dispatcherForNode = dispatcherForNode;
    }

    @Override
    void onActive(ChannelHandlerContext ctx) {
        // The connecting side speaks first.
    }

    @Override
    void onHello(ChannelHandlerContext ctx, Hello theirs) {
        String mismatch = ours.mismatch(theirs);
        if (mismatch != null) {
            if (ConnectionGuard.firstToClose(ctx.channel())) {
                LOG.warn("refusing connection from {}: {}", ctx.channel().remoteAddress(), mismatch);
            }
            failed();
            ctx.writeAndFlush(ours.refusing(mismatch).encode(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(ours.encode(ctx.alloc()));
        LOG.debug("accepted connection from {} (node {})", ctx.channel().remoteAddress(), theirs.nodeId());
        succeed(ctx, dispatcherForNode.apply(theirs.nodeId()));
    }
}
