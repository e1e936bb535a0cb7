package io.shardkv.it;

import io.shardkv.rpc.tls.TlsContexts;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.CompareCondition;

/**
 * A session through Jedis's {@code RedisClusterClient} on the replicas' Redis ports, over TLS with
 * the test's admin certificate (host names checked against the certificates' addresses).
 *
 * <p>Jedis would send a command again on a new connection when the first one broke; a write sent
 * twice that way may apply twice (a RESP connection is one session), which the checker would
 * rightly call not linearizable. So Jedis makes one attempt ({@code maxAttempts(1)}: its routing,
 * slot cache, pooling and TLS, but no resends) and this class retries only where the write surely
 * did not happen: {@code MOVED}, {@code TRYAGAIN} and {@code CLUSTERDOWN} (which shardkv answers
 * only before a write reaches a log, docs/redis.md) and a refused connection. A write whose
 * connection broke, or that shardkv answers with an unknown outcome, is {@link OutcomeUnknown};
 * a read is simply retried until the call's deadline.
 */
final class RedisClusterSession implements ClusterSession {

    private static final long BACKOFF_MILLIS = 50;

    private final RedisClusterClient jedis;
    private final Duration callTimeout;

    private RedisClusterSession(RedisClusterClient jedis, Duration callTimeout) {
        this.jedis = jedis;
        this.callTimeout = callTimeout;
    }

    // Jedis 8 deprecates ssl(true) with a socket factory for SslOptions, which wants key stores; the
    // test has PEM files and the project's own TLS context for them.
    @SuppressWarnings("deprecation")
    static RedisClusterSession connect(ContainerCluster cluster, Duration callTimeout) {
        SSLParameters verifyNames = new SSLParameters();
        verifyNames.setEndpointIdentificationAlgorithm("HTTPS");
        DefaultJedisClientConfig config = DefaultJedisClientConfig.builder()
                .ssl(true)
                .sslSocketFactory(TlsContexts.load(cluster.adminTls()).jdkClient().getSocketFactory())
                .sslParameters(verifyNames)
                .connectionTimeoutMillis(2_000)
                .socketTimeoutMillis((int) callTimeout.toMillis())
                .build();
        Set<HostAndPort> nodes = cluster.redisAddresses().stream().map(HostAndPort::from).collect(Collectors.toSet());
        return new RedisClusterSession(RedisClusterClient.builder().nodes(nodes).clientConfig(config).maxAttempts(1)
                .build(), callTimeout);
    }

    @Override
    public String get(String key) {
        return call(true, () -> jedis.get(key));
    }

    @Override
    public void put(String key, String value) {
        call(false, () -> jedis.set(key, value));
    }

    @Override
    public void append(String key, String value) {
        call(false, () -> jedis.append(key, value));
    }

    /** SET key value NX, or SET key value IFEQ expected: "OK" if written, nil if not. */
    @Override
    public boolean compareAndSet(String key, String expected, String value) {
        SetParams condition = expected == null ? SetParams.setParams().nx()
                : SetParams.setParams().condition(CompareCondition.valueEq(expected));
        return call(false, () -> jedis.set(key, value, condition)) != null;
    }

    private <T> T call(boolean read, Supplier<T> command) {
        long deadline = System.nanoTime() + callTimeout.toNanos();
        while (true) {
            JedisException failure;
            try {
                return command.get();
            } catch (JedisException e) {
                failure = e;
            }
            Outcome outcome = outcomeOf(failure);
            if (outcome == Outcome.ERROR) {
                throw failure;
            }
            if (!read && outcome == Outcome.UNKNOWN) {
                throw new OutcomeUnknown(failure.getMessage(), failure);
            }
            if (System.nanoTime() > deadline) {
                throw new OutcomeUnknown("no answer within " + callTimeout.toSeconds() + " s: " + failure.getMessage(),
                        failure);
            }
            try {
                Thread.sleep(BACKOFF_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OutcomeUnknown("interrupted", e);
            }
        }
    }

    private enum Outcome {
        /** A redirect, a refusal before the log, or a connection never made: the command did not run. */
        NOT_APPLIED,
        /** The connection broke after the command was sent, or shardkv says the outcome is unknown. */
        UNKNOWN,
        /** Any other error reply: a bug. */
        ERROR
    }

    private static Outcome outcomeOf(JedisException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JedisRedirectionException) {
                return Outcome.NOT_APPLIED;
            }
            if (t instanceof JedisConnectionException) {
                return neverConnected(t) ? Outcome.NOT_APPLIED : Outcome.UNKNOWN;
            }
            if (t instanceof JedisDataException) {
                String message = String.valueOf(t.getMessage());
                if (message.startsWith("TRYAGAIN") || message.startsWith("CLUSTERDOWN")) {
                    return Outcome.NOT_APPLIED;
                }
                return message.contains("outcome is unknown") ? Outcome.UNKNOWN : Outcome.ERROR;
            }
        }
        // Jedis's own failures without an answer (no reachable node, a retry deadline): perhaps sent.
        return Outcome.UNKNOWN;
    }

    /** Whether the failure was in making the connection (TCP or TLS), before any command went out on it. */
    private static boolean neverConnected(Throwable t) {
        if (t == null) {
            return false;
        }
        String message = String.valueOf(t.getMessage());
        if (t instanceof ConnectException || message.startsWith("Failed to create socket")
                || message.startsWith("Failed to connect")) {
            return true;
        }
        for (Throwable suppressed : t.getSuppressed()) {
            if (neverConnected(suppressed)) {
                return true;
            }
        }
        return neverConnected(t.getCause());
    }

    @Override
    public void close() {
        jedis.close();
    }
}
