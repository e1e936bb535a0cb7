package io.shardkv.rpc;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import io.shardkv.rpc.tls.PeerCertificates;
import io.shardkv.rpc.tls.Role;
import io.shardkv.rpc.tls.TokenFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.time.Duration;
import java.util.function.Function;

/**
 * The accepting side of the handshake: waits for the peer's HELLO, then answers with its own. A
 * peer with another magic, version or cluster id gets our HELLO carrying the reason, and the
 * connection is closed once that is written.
 *
 * <p>On a TLS connection the peer's certificate (already verified against the cluster CA) says who
 * it is and its {@link Role}; only a certificate with role {@code server} may announce a node id,
 * since a node id lets it speak Raft as that member. Without TLS every peer is trusted as a server.
 */
final class AcceptorHandshake extends Handshake {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptorHandshake.class);

    private final Function<Peer, ChannelHandler> dispatcherForNode;
    /** The tokens accepted from clients without a certificate; null if every client needs one. */
    private final TokenFile tokens;

    /**
     * A peer that completed the handshake: the node id it announced, who it is in words for messages
     * ("the certificate of 'alice'", "the token of 'ci'"), and its role; a null role with the reason
     * it has none.
     */
    record Peer(int nodeId, String name, Role role, String unidentified) {
        static Peer of(int nodeId, String name, Role role) {
            return new Peer(nodeId, name, role, null);
        }
    }

    /**
     * @param tokens            the tokens accepted from clients without a certificate; null for none
     * @param dispatcherForNode the dispatcher for a peer, given who it is
     */
    AcceptorHandshake(Hello ours, Duration timeout, TokenFile tokens, Function<Peer, ChannelHandler> dispatcherForNode) {
        super(ours, timeout);
        this.tokens = tokens;
        this.dispatcherForNode = dispatcherForNode;
    }

    @Override
    void onActive(ChannelHandlerContext ctx) {
        // The connecting side speaks first.
    }

    @Override
    void onHello(ChannelHandlerContext ctx, Hello theirs) {
        Peer peer;
        String mismatch = ours.mismatch(theirs);
        if (mismatch == null) {
            peer = identify(ctx, theirs);
            mismatch = peer.role() == null ? peer.unidentified()
                    : peer.nodeId() > 0 && peer.role() != Role.SERVER
                    ? "node id " + peer.nodeId() + " is announced by " + peer.name() + ", which has role "
                    + peer.role().title() + "; only cluster members (role server) have node ids"
                    : null;
        } else {
            peer = null;
        }
        if (mismatch != null) {
            if (ConnectionGuard.firstToClose(ctx.channel())) {
                LOG.warn("refusing connection from {}: {}", ctx.channel().remoteAddress(), mismatch);
            }
            failed();
            ctx.writeAndFlush(ours.refusing(mismatch).encode(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(ours.encode(ctx.alloc()));
        LOG.debug("accepted connection from {} (node {}, {}, role {})", ctx.channel().remoteAddress(), peer.nodeId(),
                peer.name(), peer.role().title());
        succeed(ctx, dispatcherForNode.apply(peer));
    }

    private Peer identify(ChannelHandlerContext ctx, Hello theirs) {
        int nodeId = theirs.nodeId();
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            return Peer.of(nodeId, "a peer without TLS", Role.SERVER);
        }
        try {
            PeerCertificates.Holder holder = PeerCertificates.of(tls.engine().getSession());
            return holder.role() != null ? Peer.of(nodeId, "the certificate of '" + holder.name() + "'", holder.role())
                    : new Peer(nodeId, holder.name(), null, "the certificate of '" + holder.name() + "' names no role:"
                    + " its subject's OU must be one of readonly, readwrite, admin or server");
        } catch (SSLPeerUnverifiedException noCertificate) {
            if (theirs.token().isEmpty()) {
                return new Peer(nodeId, "a client without a certificate", null, "no certificate and no token: present a"
                        + " certificate from the cluster CA or a token this server accepts");
            }
            return tokens.holder(theirs.token()).map(h -> Peer.of(nodeId, "the token of '" + h.name() + "'", h.role()))
                    .orElse(new Peer(nodeId, "a client with an unknown token", null,
                            "the token is not one this server accepts"));
        }
    }
}
