package io.shardkv.group;

import io.shardkv.rpc.GroupClient;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvSteps;
import io.shardkv.rpc.kv.KvStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Carries a write a replica's RESP front end took in, but whose leadership or shard moved before it
 * was answered, to wherever its key is served now — the same request, session and sequence number,
 * so the shard's session table (which moves with the shard) applies it at most once. Follows
 * leader hints within a group and the configuration between groups, until a deadline.
 */
final class WriteForwarder implements AutoCloseable {

    static final Duration DEADLINE = Duration.ofSeconds(5);
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration PAUSE = Duration.ofMillis(50);

    private final Transport transport;
    /** The servers of the group serving a key's shard, as this replica's configuration says; null if none. */
    private final Function<byte[], CompletableFuture<List<String>>> ownerOf;
    private final Map<List<String>, GroupClient> groups = new ConcurrentHashMap<>();

    WriteForwarder(Transport transport, Function<byte[], CompletableFuture<List<String>>> ownerOf) {
        this.transport = transport;
        this.ownerOf = ownerOf;
    }

    CompletableFuture<KvResponse> forward(KvRequest request) {
        return forward(request, System.nanoTime() + DEADLINE.toNanos());
    }

    private CompletableFuture<KvResponse> forward(KvRequest request, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return CompletableFuture.failedFuture(new TimeoutException("no group served the key within " + DEADLINE));
        }
        return ownerOf.apply(request.key()).thenCompose(servers -> {
            if (servers == null || servers.isEmpty()) {
                return later(request, deadlineNanos);
            }
            GroupClient group = groups.computeIfAbsent(servers, s -> GroupClient.of(transport, s, ATTEMPT_TIMEOUT, PAUSE));
            return group.call(request, Duration.ofNanos(left), KvSteps::classify).thenCompose(r ->
                    r.status() == KvStatus.WRONG_GROUP ? later(request, deadlineNanos) : CompletableFuture.completedFuture(r));
        });
    }

    /** Tries again after a pause: the configuration this replica knows may be behind the controller's. */
    private CompletableFuture<KvResponse> later(KvRequest request, long deadlineNanos) {
        return CompletableFuture.supplyAsync(() -> null,
                CompletableFuture.delayedExecutor(PAUSE.toMillis(), TimeUnit.MILLISECONDS))
                .thenCompose(ignored -> forward(request, deadlineNanos));
    }

    @Override
    public void close() {
        groups.values().forEach(GroupClient::close);
    }
}
