package io.shardkv.redis;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.shardkv.redis.resp.RespEncoder;
import io.shardkv.redis.resp.RespProtocolException;
import io.shardkv.redis.resp.RespReply;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RESP connection: runs each command as it arrives (a client may pipeline many) and writes the
 * replies in the order the commands came, each in the protocol version in force when its command
 * ran. At {@value #MAX_PENDING} unanswered commands it stops reading until replies go out, so a
 * client that never reads cannot pile them up. Bytes that are not RESP get Redis's protocol error
 * after the replies before them, and the connection closes.
 */
final class RedisConnection extends ChannelInboundHandlerAdapter {

    static final int MAX_PENDING = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnection.class);

    /** @param command the command's name for the metrics; null for a reply that answers no command */
    private record Pending(CompletableFuture<RespReply> reply, int protocol, String command, long startNanos) {
    }

    private final RedisCommands commands;
    private final RedisClient client;
    private final RedisStats stats;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private boolean closing;
    /** Set while the server stops: reading has stopped, and this completes once every reply is out. */
    private CompletableFuture<Void> drained;

    RedisConnection(RedisCommands commands, RedisClient client, RedisStats stats) {
        this.commands = commands;
        this.client = client;
        this.stats = stats;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing || client.quitting) {
            return;
        }
        long start = System.nanoTime();
        List<byte[]> args = (List<byte[]>) msg;
        RedisCommands.Spec spec = commands.find(args.get(0));
        CompletableFuture<RespReply> reply;
        try {
            reply = commands.run(client, spec, args);
        } catch (RuntimeException e) {
            LOG.error("RESP command failed on {}", ctx.channel(), e);
            reply = CompletableFuture.completedFuture(RespReply.error("ERR internal error: " + e));
        }
        enqueue(ctx, new Pending(reply, client.protocol, spec == null ? "unknown" : spec.name(), start));
        if (pending.size() >= MAX_PENDING) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void enqueue(ChannelHandlerContext ctx, Pending p) {
        pending.add(p);
        if (p.reply().isDone()) {
            drain(ctx);
        } else {
            p.reply().whenCompleteAsync((r, e) -> drain(ctx), ctx.executor());
        }
    }

    /** Writes every reply at the head that is ready, in order. */
    private void drain(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (!pending.isEmpty() && pending.peek().reply().isDone()) {
            Pending p = pending.poll();
            RespReply reply = p.reply().exceptionally(e -> {
                LOG.error("RESP command failed on {}", ctx.channel(), e);
                return RespReply.error("ERR internal error: " + e);
            }).join();
            if (p.command() != null) {
                stats.commandAnswered(p.startNanos(), p.command(), reply);
            }
            ByteBuf out = ctx.alloc().buffer();
            RespEncoder.write(reply, p.protocol(), out);
            ctx.write(out);
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (pending.size() < MAX_PENDING / 2 && !closing && drained == null && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
        if (pending.isEmpty() && drained != null) {
            drained.complete(null);
        }
        if (pending.isEmpty() && (closing || client.quitting) && ctx.channel().isActive()) {
            ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Stops reading commands and completes once every command read so far is answered: a server
     * that stops drains its connections first, so no command it took in is cut off unanswered (a
     * client library would send a write again on a new connection, where it may apply twice).
     * Commands not read yet are never run; their clients see the connection close.
     */
    CompletableFuture<Void> drain(Channel channel) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            channel.config().setAutoRead(false);
            drained = done;
            if (pending.isEmpty()) {
                done.complete(null);
            }
        });
        return done;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closing) {
            return;
        }
        closing = true;
        if (cause instanceof DecoderException && cause.getCause() instanceof RespProtocolException p) {
            stats.protocolError();
            enqueue(ctx, new Pending(CompletableFuture.completedFuture(RespReply.error("ERR Protocol error: "
                    + p.getMessage())), client.protocol, null, 0));
            return;
        }
        LOG.debug("closing RESP connection {}: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
