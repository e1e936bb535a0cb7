package io.shardkv.redis;

import io.shardkv.rpc.tls.PeerCertificates;
import java.net.SocketAddress;
import java.util.concurrent.Executor;

/** One RESP connection's state: its id, name, protocol version and session. Confined to its event loop. */
final class RedisClient {

    final long id;
    final SocketAddress address;
    /** The connection's event loop: the session is touched only there. */
    final Executor executor;
    final RedisSession session;
    final long createdMillis;
    /** The port has TLS: commands need an identity (certificate or AUTH) whose role allows them. */
    final boolean secured;
    /** Who the client is: its certificate's holder, or a token's after AUTH; null until known. */
    PeerCertificates.Holder identity;
    String name = "";
    int protocol = 2;
    boolean readOnly;
    /** QUIT was received: answer what is pending, then close. */
    boolean quitting;

    RedisClient(long id, SocketAddress address, Executor executor, long sessionClientId, long createdMillis,
                boolean secured) {
        this.id = id;
        this.secured = secured;
        this.address = address;
        this.executor = executor;
        this.session = new RedisSession(sessionClientId);
        this.createdMillis = createdMillis;
    }
}
