package io.shardkv.it;

import io.shardkv.client.ShardKvClient;
import io.shardkv.client.ShardKvException;
import java.util.function.Supplier;

/** A session through the project's own client library and its Kryo frames. */
final class LibrarySession implements ClusterSession {

    private final ShardKvClient client;

    LibrarySession(ShardKvClient client) {
        this.client = client;
    }

    @Override
    public String get(String key) {
        return call(() -> client.get(key));
    }

    @Override
    public void put(String key, String value) {
        call(() -> {
            client.put(key, value);
            return null;
        });
    }

    @Override
    public void append(String key, String value) {
        call(() -> {
            client.append(key, value);
            return null;
        });
    }

    @Override
    public boolean compareAndSet(String key, String expected, String value) {
        return call(() -> client.compareAndSet(key, expected, value));
    }

    private static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (ShardKvException e) {
            // UNAVAILABLE means not applied, but treating it as perhaps applied keeps the check sound.
            if (e.kind() == ShardKvException.Kind.TIMEOUT || e.kind() == ShardKvException.Kind.UNAVAILABLE) {
                throw new OutcomeUnknown(e.getMessage(), e);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
