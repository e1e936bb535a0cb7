package io.shardkv.rpc;

import io.shardkv.rpc.tls.TlsConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a {@link Transport}: identity, sizes (bytes), counts and timeouts. Built with
 * {@link #builder(String)}; every value is validated when the record is constructed, with a message
 * naming the setting and the bad value.
 *
 * @param clusterId             name of the cluster; peers with another cluster id are refused at
 *                              the handshake. 1–{@value #MAX_CLUSTER_ID_BYTES} bytes of UTF-8,
 *                              no control characters
 * @param nodeId                this process's node id, announced in the handshake; {@code 0} for
 *                              a client that is not a cluster member (default)
 * @param ioThreads             event loop threads (default: available processors)
 * @param preferNativeTransport use Linux epoll when its native library loads, NIO otherwise
 *                              (default true)
 * @param maxFrameBytes         largest frame accepted or sent, counted after the 4-byte length
 *                              prefix (default 16 MiB; {@value #MIN_FRAME_BYTES} to
 *                              {@value #MAX_FRAME_BYTES}). A peer announcing a larger frame is
 *                              disconnected; a larger outgoing message is refused at the call
 * @param connectTimeout        limit on establishing a TCP connection (default 5 s, whole ms)
 * @param handshakeTimeout      limit on completing the handshake once connected; a connection
 *                              that has not exchanged HELLOs by then is closed (default 5 s)
 * @param reconnectBackoffMin   first delay before reconnecting; it doubles per failed attempt
 *                              (default 50 ms). Each delay is drawn from [d/2, d] (jitter)
 * @param reconnectBackoffMax   cap of the reconnect delay (default 2 s)
 * @param maxQueuedMessages     messages and requests accepted for one peer but not yet written
 *                              to its socket; beyond it a message is dropped and counted and a
 *                              request fails (default 4096)
 * @param maxQueuedBytes        the same bound in encoded bytes; at least {@code maxFrameBytes + 4}
 *                              so that any single frame fits (default 64 MiB)
 * @param maxPendingRequests    requests to one peer awaiting their response; beyond it a request
 *                              fails at once (default 4096)
 * @param shutdownQuietPeriod   on shutdown, event loops wait until no task arrived for this long
 *                              (default 100 ms; zero allowed)
 * @param shutdownTimeout       upper bound on a graceful shutdown (default 5 s)
 * @param limits                bounds on the connections a server accepts (default
 *                              {@link ConnectionLimits#DEFAULTS})
 * @param service               what this process's servers serve, announced in their handshakes
 *                              (see {@link Services}); empty for a client (default)
 * @param tls                   mutual TLS on every connection made and accepted; empty for plain
 *                              TCP (default), which servers say in their log line at start
 * @param token                 a client without a certificate: the token it presents in its
 *                              handshakes (TLS only; default none)
 * @param tokens                a server: the file of tokens it accepts from clients without a
 *                              certificate ({@link io.shardkv.rpc.tls.TokenFile}; TLS only;
 *                              default none: every client needs a certificate)
 */
public record TransportConfig(
        String clusterId,
        int nodeId,
        int ioThreads,
        boolean preferNativeTransport,
        int maxFrameBytes,
        Duration connectTimeout,
        Duration handshakeTimeout,
        Duration reconnectBackoffMin,
        Duration reconnectBackoffMax,
        int maxQueuedMessages,
        long maxQueuedBytes,
        int maxPendingRequests,
        Duration shutdownQuietPeriod,
        Duration shutdownTimeout,
        ConnectionLimits limits,
        String service,
        Optional<TlsConfig> tls,
        Optional<String> token,
        Optional<Path> tokens) {

    /** Cluster ids travel in the handshake behind a one-byte length. */
    public static final int MAX_CLUSTER_ID_BYTES = 255;
    /** Must hold the largest HELLO frame. */
    public static final int MIN_FRAME_BYTES = 4 * 1024;
    public static final int MAX_FRAME_BYTES = 1 << 30;

    public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RECONNECT_BACKOFF_MIN = Duration.ofMillis(50);
    public static final Duration DEFAULT_RECONNECT_BACKOFF_MAX = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_QUEUED_MESSAGES = 4096;
    public static final long DEFAULT_MAX_QUEUED_BYTES = 64L << 20;
    public static final int DEFAULT_MAX_PENDING_REQUESTS = 4096;
    public static final Duration DEFAULT_SHUTDOWN_QUIET_PERIOD = Duration.ofMillis(100);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    public TransportConfig {
        Objects.requireNonNull(clusterId, "clusterId");
        int clusterIdBytes = clusterId.getBytes(StandardCharsets.UTF_8).length;
        if (clusterIdBytes == 0 || clusterIdBytes > MAX_CLUSTER_ID_BYTES) {
            throw new IllegalArgumentException("clusterId must be 1 to " + MAX_CLUSTER_ID_BYTES
                    + " bytes of UTF-8, was " + clusterIdBytes + " bytes");
        }
        if (clusterId.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("clusterId must not contain control characters: '"
                    + Text.printable(clusterId) + "'");
        }
        if (nodeId < 0) {
            throw new IllegalArgumentException("nodeId must be >= 0 (0 = not a cluster member), was " + nodeId);
        }
        requireAtLeast("ioThreads", ioThreads, 1);
        if (maxFrameBytes < MIN_FRAME_BYTES || maxFrameBytes > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be between " + MIN_FRAME_BYTES + " and "
                    + MAX_FRAME_BYTES + ", was " + maxFrameBytes);
        }
        requireMillis("connectTimeout", connectTimeout);
        requirePositive("handshakeTimeout", handshakeTimeout);
        requirePositive("reconnectBackoffMin", reconnectBackoffMin);
        requirePositive("reconnectBackoffMax", reconnectBackoffMax);
        if (reconnectBackoffMin.compareTo(reconnectBackoffMax) > 0) {
            throw new IllegalArgumentException("reconnectBackoffMin (" + reconnectBackoffMin
                    + ") must not exceed reconnectBackoffMax (" + reconnectBackoffMax + ")");
        }
        requireAtLeast("maxQueuedMessages", maxQueuedMessages, 1);
        requireAtLeast("maxQueuedBytes", maxQueuedBytes, maxFrameBytes + 4L);
        requireAtLeast("maxPendingRequests", maxPendingRequests, 1);
        Objects.requireNonNull(shutdownQuietPeriod, "shutdownQuietPeriod");
        if (shutdownQuietPeriod.isNegative()) {
            throw new IllegalArgumentException("shutdownQuietPeriod must be >= 0, was " + shutdownQuietPeriod);
        }
        requirePositive("shutdownTimeout", shutdownTimeout);
        if (shutdownQuietPeriod.compareTo(shutdownTimeout) > 0) {
            throw new IllegalArgumentException("shutdownQuietPeriod (" + shutdownQuietPeriod
                    + ") must not exceed shutdownTimeout (" + shutdownTimeout + ")");
        }
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(tokens, "tokens");
        if ((token.isPresent() || tokens.isPresent()) && tls.isEmpty()) {
            throw new IllegalArgumentException("tokens need TLS: without it a token would cross the network in clear");
        }
        if (token.isPresent() && (token.get().isEmpty() || token.get().getBytes(StandardCharsets.UTF_8).length > 255
                || token.get().chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException("a token is 1 to 255 bytes of UTF-8 without control characters");
        }
        if (service.getBytes(StandardCharsets.UTF_8).length > Services.MAX_BYTES
                || service.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("service must be at most " + Services.MAX_BYTES
                    + " bytes of UTF-8 without control characters: '" + Text.printable(service) + "'");
        }
    }

    /** A builder with the documented defaults for a process of cluster {@code clusterId}. */
    public static Builder builder(String clusterId) {
        return new Builder(clusterId);
    }

    private static void requireAtLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
        }
    }

    /** Shared with the package's other settings (GroupClient, PeerConnection). */
    static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
    }

    /** Durations handed to APIs that take whole milliseconds as an int. */
    private static void requireMillis(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.toMillis() < 1 || value.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(name + " must be between 1 ms and " + Integer.MAX_VALUE
                    + " ms, was " + value);
        }
    }

    /** Builder with the documented defaults; {@link #build()} validates. */
    public static final class Builder {
        private final String clusterId;
        private int nodeId;
        private int ioThreads = Runtime.getRuntime().availableProcessors();
        private boolean preferNativeTransport = true;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private Duration reconnectBackoffMin = DEFAULT_RECONNECT_BACKOFF_MIN;
        private Duration reconnectBackoffMax = DEFAULT_RECONNECT_BACKOFF_MAX;
        private int maxQueuedMessages = DEFAULT_MAX_QUEUED_MESSAGES;
        private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
        private int maxPendingRequests = DEFAULT_MAX_PENDING_REQUESTS;
        private Duration shutdownQuietPeriod = DEFAULT_SHUTDOWN_QUIET_PERIOD;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private ConnectionLimits limits = ConnectionLimits.DEFAULTS;
        private String service = "";
        private TlsConfig tls;
        private String token;
        private Path tokens;

        private Builder(String clusterId) {
            this.clusterId = clusterId;
        }

        public Builder nodeId(int id) {
            this.nodeId = id;
            return this;
        }

        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        public Builder preferNativeTransport(boolean prefer) {
            this.preferNativeTransport = prefer;
            return this;
        }

        public Builder maxFrameBytes(int bytes) {
            this.maxFrameBytes = bytes;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        public Builder reconnectBackoff(Duration min, Duration max) {
            this.reconnectBackoffMin = min;
            this.reconnectBackoffMax = max;
            return this;
        }

        public Builder maxQueuedMessages(int messages) {
            this.maxQueuedMessages = messages;
            return this;
        }

        public Builder maxQueuedBytes(long bytes) {
            this.maxQueuedBytes = bytes;
            return this;
        }

        public Builder maxPendingRequests(int requests) {
            this.maxPendingRequests = requests;
            return this;
        }

        public Builder shutdown(Duration quietPeriod, Duration timeout) {
            this.shutdownQuietPeriod = quietPeriod;
            this.shutdownTimeout = timeout;
            return this;
        }

        public Builder limits(ConnectionLimits connectionLimits) {
            this.limits = connectionLimits;
            return this;
        }

        public Builder service(String served) {
            this.service = served;
            return this;
        }

        /** Mutual TLS with these files; null for plain TCP. */
        public Builder tls(TlsConfig files) {
            this.tls = files;
            return this;
        }

        /** The token this client presents (TLS only); null for none. */
        public Builder token(String secret) {
            this.token = secret;
            return this;
        }

        /** The file of tokens this server accepts (TLS only); null for none. */
        public Builder tokens(Path file) {
            this.tokens = file;
            return this;
        }

        public TransportConfig build() {
            return new TransportConfig(clusterId, nodeId, ioThreads, preferNativeTransport, maxFrameBytes,
                    connectTimeout, handshakeTimeout, reconnectBackoffMin, reconnectBackoffMax,
                    maxQueuedMessages, maxQueuedBytes, maxPendingRequests, shutdownQuietPeriod, shutdownTimeout, limits, service,
                    Optional.ofNullable(tls), Optional.ofNullable(token), Optional.ofNullable(tokens));
        }
    }
}
