package io.shardkv.rpc;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;

/**
 * The last inbound handler: any exception on a connection closes that connection, and only it.
 * A protocol violation or a failed TLS handshake (no certificate, another CA, expired, the wrong
 * host) is logged as one WARN line naming the peer and the reason; a network error
 * (the peer went away) at DEBUG, since the owner of the connection reports the loss; anything else
 * is a bug and is logged with its stack trace.
 */
final class ConnectionGuard extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf(ConnectionGuard.class, "closing");
    /** Set once TLS is up on the connection. */
    static final AttributeKey<Boolean> TLS_UP = AttributeKey.valueOf(ConnectionGuard.class, "tls-up");

    /** "from" on accepted connections, "to" on outbound ones: how log lines name the peer. */
    private final String direction;

    /** Counts a connection closed for breaking the protocol. */
    private final Runnable onProtocolError;

    ConnectionGuard(String direction, Runnable onProtocolError) {
        this.direction = direction;
        this.onProtocolError = onProtocolError;
    }

    /** A failed TLS handshake is reported by an event (the TLS handler closes the connection itself). */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                exceptionCaught(ctx, done.cause());
                return;
            }
            ctx.channel().attr(TLS_UP).set(Boolean.TRUE);
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Object peer = ctx.channel().remoteAddress();
        SSLException tls = tlsFailure(cause);
        if (tls != null) {
            ctx.channel().attr(ConnectorHandshake.FAILURE).setIfAbsent("TLS: " + describe(tls));
        }
        if (!firstToClose(ctx.channel())) {
            LOG.debug("connection {} {} is already closing; also got {}", direction, peer, cause.toString());
            return;
        }
        if (cause instanceof ProtocolException) {
            onProtocolError.run();
            LOG.warn("closing connection {} {}: {}", direction, peer, cause.getMessage());
        } else if (tls != null) {
            onProtocolError.run();
            LOG.warn("closing connection {} {}: TLS: {}", direction, peer, describe(tls));
        } else if (cause instanceof IOException) {
            LOG.debug("closing connection {} {}: {}", direction, peer, cause.toString());
        } else {
            LOG.warn("closing connection {} {} after an unexpected exception: {}", direction, peer, cause.toString(), cause);
        }
        ctx.close();
    }

    /** The failure and, when the provider's words are generic ("General OpenSslEngine problem"), its root cause's. */
    private static String describe(SSLException failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = failure.getMessage();
        return root == failure || root.getMessage() == null || root.getMessage().equals(message) ? message
                : message + ": " + root.getMessage();
    }

    private static SSLException tlsFailure(Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof SSLException ssl) {
                return ssl;
            }
        }
        return null;
    }

    /**
     * Marks {@code channel} as closing. True only for the first caller, who reports why; handlers
     * that close a connection themselves (a refused handshake) call it too, so that whatever else
     * goes wrong while the connection closes does not add a second reason.
     */
    static boolean firstToClose(Channel channel) {
        return channel.attr(CLOSING).setIfAbsent(Boolean.TRUE) == null;
    }
}
