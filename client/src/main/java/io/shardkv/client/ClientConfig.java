package io.shardkv.client;

import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.tls.TlsConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link ShardKvClient} reaches a cluster.
 *
 * @param controllers    the shard controller replicas' addresses
 * @param clusterId      the cluster id every server was started with (checked in the handshake)
 * @param callTimeout    how long one call keeps retrying before it fails with {@code TIMEOUT}
 * @param attemptTimeout how long one server has to answer before the next is tried
 */
public record ClientConfig(List<InetSocketAddress> controllers, String clusterId, Duration callTimeout,
                           Duration attemptTimeout, Optional<TlsConfig> tls, Optional<String> token) {

    /** The cluster id servers start with unless told otherwise. */
    public static final String DEFAULT_CLUSTER_ID = "shardkv";
    /** How long a call keeps trying by default. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);
    /** How long one server has to answer by default before the next is tried. */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(1);

    public ClientConfig {
        if (controllers.isEmpty()) {
            throw new IllegalArgumentException("controllers is empty: at least one controller address is needed");
        }
        controllers = List.copyOf(controllers);
        Objects.requireNonNull(clusterId, "clusterId");
        requirePositive("callTimeout", callTimeout);
        requirePositive("attemptTimeout", attemptTimeout);
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(token, "token");
    }

    /** Also checks {@link ShardKvClient#withTimeout}'s timeout. */
    static void requirePositive(String name, Duration timeout) {
        Objects.requireNonNull(timeout, name);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + timeout.toMillis() + " ms");
        }
    }

    /** Controllers given as {@code host:port}, with the default cluster id and timeouts. */
    public static ClientConfig of(List<String> controllers) {
        return new ClientConfig(controllers.stream().map(HostPort::parse).toList(), DEFAULT_CLUSTER_ID,
                DEFAULT_CALL_TIMEOUT, DEFAULT_ATTEMPT_TIMEOUT, Optional.empty(),
                Optional.empty());
    }

    /** The same, for the cluster started with {@code --cluster-id id}. */
    public ClientConfig withClusterId(String id) {
        return new ClientConfig(controllers, id, callTimeout, attemptTimeout, tls, token);
    }

    /** The same, with calls giving up after {@code timeout}. */
    public ClientConfig withCallTimeout(Duration timeout) {
        return new ClientConfig(controllers, clusterId, timeout, attemptTimeout, tls, token);
    }

    /** The same, trying the next server after {@code timeout} without an answer. */
    public ClientConfig withAttemptTimeout(Duration timeout) {
        return new ClientConfig(controllers, clusterId, callTimeout, timeout, tls, token);
    }

    /** The same, over mutual TLS with these files (a certificate whose role allows what the client does). */
    public ClientConfig withTls(TlsConfig files) {
        return new ClientConfig(controllers, clusterId, callTimeout, attemptTimeout, Optional.of(files), token);
    }

    /**
     * The same, presenting {@code secret} instead of a certificate ({@code bin/shardkv certs token});
     * needs TLS ({@link #withTls} with {@link TlsConfig#trusting} the cluster CA).
     */
    public ClientConfig withToken(String secret) {
        return new ClientConfig(controllers, clusterId, callTimeout, attemptTimeout, tls, Optional.of(secret));
    }

    /** The transport settings of a client of this cluster: its cluster id and TLS. */
    public TransportConfig transportConfig() {
        return TransportConfig.builder(clusterId).tls(tls.orElse(null)).token(token.orElse(null)).build();
    }
}
