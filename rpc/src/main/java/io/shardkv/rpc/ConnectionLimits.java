package io.shardkv.rpc;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on what the connections accepted by one {@link RpcServer} may hold, so that nobody who can
 * reach the port can exhaust the server's file descriptors or memory. Outbound connections are not
 * affected. Each limit, when hit, is counted in {@link RpcCounters#limitHits} and logged once per
 * server (see {@link Limit}).
 *
 * @param maxConnections           accepted connections open at once, handshakes included
 *                                 (default {@value #DEFAULT_MAX_CONNECTIONS}); a connection beyond it
 *                                 is answered with a refusal naming the limit and closed
 * @param maxConnectionsPerAddress the same bound per remote IP address (default
 *                                 {@value #DEFAULT_MAX_CONNECTIONS_PER_ADDRESS}), so one host cannot
 *                                 take every connection
 * @param clientIdleTimeout        a client connection (node id 0) that has received no complete
 *                                 frame, written nothing and has no request in progress for this
 *                                 long is closed (default 5 min). A partial frame held open does
 *                                 not count as activity
 * @param maxIncompleteFrameBytes  bytes buffered for frames not yet complete, summed over the
 *                                 server's connections from cluster members (peers announcing a
 *                                 node id), and separately over all others (default 256 MiB each);
 *                                 the connection whose bytes would pass it is closed. Clients filling
 *                                 theirs cannot starve replication — with TLS, where only server
 *                                 certificates may announce node ids
 * @param maxRequestsPerConnection requests received on one connection and not yet answered (default
 *                                 {@value #DEFAULT_MAX_REQUESTS_PER_CONNECTION}); at the limit the
 *                                 server stops reading that connection until answers go out, so
 *                                 nothing is refused or lost, and a peer that does not read its
 *                                 answers cannot make the server buffer them without end
 */
public record ConnectionLimits(int maxConnections, int maxConnectionsPerAddress, Duration clientIdleTimeout,
                               long maxIncompleteFrameBytes, int maxRequestsPerConnection) {

    public static final int DEFAULT_MAX_CONNECTIONS = 4096;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1024;
    public static final Duration DEFAULT_CLIENT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    public static final long DEFAULT_MAX_INCOMPLETE_FRAME_BYTES = 256L << 20;
    public static final int DEFAULT_MAX_REQUESTS_PER_CONNECTION = 1024;

    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(DEFAULT_MAX_CONNECTIONS,
            DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_CLIENT_IDLE_TIMEOUT, DEFAULT_MAX_INCOMPLETE_FRAME_BYTES,
            DEFAULT_MAX_REQUESTS_PER_CONNECTION);

    /** The limits, each with the name operators set it by (the server's command-line flag). */
    public enum Limit {
        CONNECTIONS("max-connections"),
        CONNECTIONS_PER_ADDRESS("max-connections-per-address"),
        CLIENT_IDLE_TIMEOUT("client-idle-timeout"),
        INCOMPLETE_FRAME_BYTES("max-incomplete-frame-bytes"),
        REQUESTS_PER_CONNECTION("max-requests-per-connection");

        private final String setting;

        Limit(String setting) {
            this.setting = setting;
        }

        /** The setting's name, as the server's flag spells it without the leading dashes. */
        public String setting() {
            return setting;
        }
    }

    public ConnectionLimits {
        requireAtLeast(Limit.CONNECTIONS, maxConnections, 1);
        requireAtLeast(Limit.CONNECTIONS_PER_ADDRESS, maxConnectionsPerAddress, 1);
        Objects.requireNonNull(clientIdleTimeout, Limit.CLIENT_IDLE_TIMEOUT.setting);
        if (clientIdleTimeout.toMillis() < 1) {
            throw new IllegalArgumentException(Limit.CLIENT_IDLE_TIMEOUT.setting + " must be at least 1 ms, was "
                    + clientIdleTimeout);
        }
        // At least one maximum-size HELLO must fit, or no connection could complete its handshake.
        requireAtLeast(Limit.INCOMPLETE_FRAME_BYTES, maxIncompleteFrameBytes, TransportConfig.MIN_FRAME_BYTES);
        requireAtLeast(Limit.REQUESTS_PER_CONNECTION, maxRequestsPerConnection, 1);
    }

    public ConnectionLimits withMaxConnections(int total, int perAddress) {
        return new ConnectionLimits(total, perAddress, clientIdleTimeout, maxIncompleteFrameBytes,
                maxRequestsPerConnection);
    }

    public ConnectionLimits withClientIdleTimeout(Duration timeout) {
        return new ConnectionLimits(maxConnections, maxConnectionsPerAddress, timeout, maxIncompleteFrameBytes,
                maxRequestsPerConnection);
    }

    public ConnectionLimits withMaxIncompleteFrameBytes(long bytes) {
        return new ConnectionLimits(maxConnections, maxConnectionsPerAddress, clientIdleTimeout, bytes,
                maxRequestsPerConnection);
    }

    public ConnectionLimits withMaxRequestsPerConnection(int requests) {
        return new ConnectionLimits(maxConnections, maxConnectionsPerAddress, clientIdleTimeout,
                maxIncompleteFrameBytes, requests);
    }

    private static void requireAtLeast(Limit limit, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(limit.setting + " must be >= " + min + ", was " + value);
        }
    }
}
