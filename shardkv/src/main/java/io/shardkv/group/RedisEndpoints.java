package io.shardkv.group;

import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.PeerConnection;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.redis.RedisEndpoint;
import io.shardkv.rpc.redis.RedisEndpointRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Where other replicas serve Redis clients and whether they lead, by their cluster address: asked
 * once per {@link #FRESH_FOR} at most and shared by every RESP connection, so redirects and
 * CLUSTER SLOTS cost no round trip while the cluster is steady. A replica that does not answer in
 * {@link #ASK_TIMEOUT} is reported as null.
 */
final class RedisEndpoints implements AutoCloseable {

    static final Duration FRESH_FOR = Duration.ofSeconds(1);
    static final Duration ASK_TIMEOUT = Duration.ofMillis(500);

    private record Answer(CompletableFuture<RedisEndpoint> endpoint, long askedNanos) {
    }

    private final Transport transport;
    private final LongSupplier nanoClock;
    private final Map<String, PeerConnection> connections = new ConcurrentHashMap<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    RedisEndpoints(Transport transport, LongSupplier nanoClock) {
        this.transport = transport;
        this.nanoClock = nanoClock;
    }

    /** The endpoint of the replica at cluster address {@code address}, or null if it did not answer. */
    CompletableFuture<RedisEndpoint> of(String address) {
        long now = nanoClock.getAsLong();
        Answer answer = answers.compute(address, (a, known) ->
                known != null && (!known.endpoint().isDone() || now - known.askedNanos() < FRESH_FOR.toNanos())
                        ? known : new Answer(ask(a), now));
        return answer.endpoint();
    }

    private CompletableFuture<RedisEndpoint> ask(String address) {
        PeerConnection connection;
        try {
            connection = connections.computeIfAbsent(address, a -> transport.connect(HostPort.parse(a)));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(null);
        }
        return connection.request(new RedisEndpointRequest(), ASK_TIMEOUT)
                .handle((reply, error) -> reply instanceof RedisEndpoint e ? e : null);
    }

    @Override
    public void close() {
        connections.values().forEach(PeerConnection::close);
    }
}
