package io.shardkv.rpc;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first handler after the frame decoder: admits nothing but one HELLO, within
 * {@code timeout}, then replaces itself by the connection's dispatcher. Any other frame before the
 * handshake, or no HELLO in time, is a protocol error. Once the handshake has failed, frames still
 * arriving while the connection closes are dropped, so a failure is reported once.
 */
abstract class Handshake extends ChannelInboundHandlerAdapter {

    static final String DISPATCHER = "dispatcher";

    final Hello ours;
    private final Duration timeout;
    private ScheduledFuture<?> timer;
    private boolean started;
    private boolean finished;

    Handshake(Hello ours, Duration timeout) {
        this.ours = ours;
        this.timeout = timeout;
    }

    /** The connection is up; the connecting side speaks first. */
    abstract void onActive(ChannelHandlerContext ctx);

    /** The peer's HELLO arrived; call {@link #succeed} or {@link #failed}. */
    abstract void onHello(ChannelHandlerContext ctx, Hello theirs);

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (started) {
            return;
        }
        started = true;
        timer = ctx.executor().schedule(() -> timedOut(ctx), timeout.toNanos(), TimeUnit.NANOSECONDS);
        onActive(ctx);
    }

    private void timedOut(ChannelHandlerContext ctx) {
        if (!finished) {
            finished = true;
            ctx.fireExceptionCaught(new ProtocolException("handshake not completed within " + timeout));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Frame frame = (Frame) msg;
        try {
            if (finished) {
                return;
            }
            if (frame.kind != FrameKind.HELLO) {
                failed();
                throw new ProtocolException(frame.kind + " frame before the handshake completed");
            }
            Hello theirs;
            try {
                theirs = Hello.decode(frame.content());
            } catch (ProtocolException e) {
                failed();
                throw e;
            }
            onHello(ctx, theirs);
        } finally {
            frame.release();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    /** Handshake done: from now on {@code dispatcher} receives the frames. */
    final void succeed(ChannelHandlerContext ctx, ChannelHandler dispatcher) {
        finished = true;
        cancelTimer();
        ctx.pipeline().replace(this, DISPATCHER, dispatcher);
    }

    /** Handshake failed; the caller closes the connection. */
    final void failed() {
        finished = true;
        cancelTimer();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
