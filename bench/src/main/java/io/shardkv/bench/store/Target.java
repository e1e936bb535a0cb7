package io.shardkv.bench.store;

import java.util.concurrent.CompletableFuture;

/**
 * A key/value store under load: the same three operations, each asynchronous, for every system
 * the bench drives. Reads are linearizable on every target.
 */
public interface Target extends AutoCloseable {

    /** Reads {@code key}; completes when the value (or its absence) is known. */
    CompletableFuture<Void> read(byte[] key);

    /** Sets {@code key} to {@code value}; completes when the write is committed. */
    CompletableFuture<Void> write(byte[] key, byte[] value);

    /**
     * Sets {@code key} to {@code value} if it holds {@code expected}; completes with whether it
     * did once the decision is committed.
     */
    CompletableFuture<Boolean> compareAndSet(byte[] key, byte[] expected, byte[] value);

    /** A short name for reports: the system and where it runs. */
    String describe();

    @Override
    void close();
}
