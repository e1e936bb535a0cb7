package io.shardkv.bench.store;

import io.shardkv.client.ClientConfig;
import io.shardkv.client.ShardKvClient;
import io.shardkv.rpc.HostPort;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/** shardkv through its client library; {@code connections} clients, each its own session and connections. */
final class ShardKvTarget implements Target {

    private final List<ShardKvClient> clients = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final String description;

    ShardKvTarget(ClientConfig config, int connections) {
        for (int i = 0; i < connections; i++) {
            clients.add(ShardKvClient.connect(config));
        }
        this.description = "shardkv (controllers " + config.controllers().stream().map(HostPort::format)
                .collect(Collectors.joining(",")) + ")";
    }

    private ShardKvClient client() {
        return clients.get(Math.floorMod(next.getAndIncrement(), clients.size()));
    }

    @Override
    public CompletableFuture<Void> read(byte[] key) {
        return client().getAsync(key).thenApply(v -> null);
    }

    @Override
    public CompletableFuture<Void> write(byte[] key, byte[] value) {
        return client().putAsync(key, value);
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(byte[] key, byte[] expected, byte[] value) {
        return client().compareAndSetAsync(key, expected, value);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        clients.forEach(ShardKvClient::close);
    }
}
