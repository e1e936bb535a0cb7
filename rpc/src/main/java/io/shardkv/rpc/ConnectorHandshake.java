package io.shardkv.rpc;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.shardkv.rpc.tls.PeerCertificates;
import io.shardkv.rpc.tls.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The connecting side of the handshake: sends our HELLO as soon as the connection is up, then
 * checks the answer. A refusal is logged with the reason the peer gave; a peer that answers with
 * another magic, version or cluster id is refused here too.
 */
final class ConnectorHandshake extends Handshake {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorHandshake.class);

    /** Why the handshake failed, on a channel whose handshake failed: what the connection's owner reports. */
    static final AttributeKey<String> FAILURE = AttributeKey.valueOf(ConnectorHandshake.class, "failure");

    /** Told, on the channel's event loop, when a connection is ready for requests and messages. */
    interface Listener {
        void connected(Channel channel, Hello peer);
    }

    private final Supplier<ChannelHandler> dispatcher;
    private final Listener listener;
    /** What the server must serve; null for anything. */
    private final String expectedService;

    ConnectorHandshake(Hello ours, Duration timeout, String expectedService, Supplier<ChannelHandler> dispatcher,
                       Listener listener) {
        super(ours, timeout);
        this.expectedService = expectedService;
        this.dispatcher = dispatcher;
        this.listener = listener;
    }

    @Override
    void onActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(ours.encode(ctx.alloc()));
    }

    @Override
    void onHello(ChannelHandlerContext ctx, Hello theirs) {
        if (theirs.refused()) {
            ctx.channel().attr(FAILURE).set("refused by the server: " + Text.printable(theirs.refusal()));
            if (ConnectionGuard.firstToClose(ctx.channel())) {
                LOG.warn("connection to {} refused by the peer: {}", ctx.channel().remoteAddress(),
                        Text.printable(theirs.refusal()));
            }
            failed();
            ctx.close();
            return;
        }
        String mismatch = ours.mismatch(theirs);
        if (mismatch == null) {
            mismatch = notAServer(ctx);
        }
        if (mismatch != null) {
            ctx.channel().attr(FAILURE).set("the server does not speak our protocol: " + mismatch);
            if (ConnectionGuard.firstToClose(ctx.channel())) {
                LOG.warn("refusing connection to {}: {}", ctx.channel().remoteAddress(), mismatch);
            }
            failed();
            ctx.close();
            return;
        }
        if (expectedService != null && !expectedService.equals(theirs.service())) {
            // Reported by the connection's owner (once per reason), not per attempt here.
            ctx.channel().attr(FAILURE).set("it is " + Services.describe(theirs.service()) + ", not "
                    + Services.describe(expectedService));
            ConnectionGuard.firstToClose(ctx.channel());
            failed();
            ctx.close();
            return;
        }
        succeed(ctx, dispatcher.get());
        listener.connected(ctx.channel(), theirs);
    }

    /**
     * With TLS, why the server's certificate is not a cluster member's, or null if it is: a client's
     * certificate naming the host must not let its holder pose as a server.
     */
    private static String notAServer(ChannelHandlerContext ctx) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            return null;
        }
        try {
            PeerCertificates.Holder holder = PeerCertificates.of(tls.engine().getSession());
            return holder.role() == Role.SERVER ? null
                    : "its certificate " + holder + " is not a server's (role server)";
        } catch (SSLPeerUnverifiedException e) {
            return "it presented no certificate";
        }
    }
}
