package io.shardkv.rpc;

import io.netty.util.concurrent.EventExecutor;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Requests sent on one peer connection and not yet answered, by correlation id. Each is completed
 * exactly once: by its response, its timeout, or the loss of the connection. Thread-safe.
 */
final class PendingRequests {

    private final Map<Long, CompletableFuture<Object>> byId = new ConcurrentHashMap<>();

    /**
     * Registers request {@code id}; the future fails with a {@link TimeoutException} if nothing
     * completes it within {@code timeout} (timed on {@code timer}).
     */
    CompletableFuture<Object> register(long id, Duration timeout, EventExecutor timer, Object peer) {
        CompletableFuture<Object> future = new CompletableFuture<>();
        byId.put(id, future);
        try {
            ScheduledFuture<?> expiry = timer.schedule(() -> fail(id, new TimeoutException(
                    "request #" + id + " to " + peer + " got no response within " + timeout)),
                    timeout.toNanos(), TimeUnit.NANOSECONDS);
            future.whenComplete((value, error) -> expiry.cancel(false));
        } catch (RejectedExecutionException e) {
            fail(id, new ConnectionLostException("the transport is shut down; cannot send to " + peer));
        }
        return future;
    }

    boolean contains(long id) {
        return byId.containsKey(id);
    }

    int size() {
        return byId.size();
    }

    void complete(long id, Object value) {
        CompletableFuture<Object> future = byId.remove(id);
        if (future != null) {
            future.complete(value);
        }
    }

    void fail(long id, Throwable error) {
        CompletableFuture<Object> future = byId.remove(id);
        if (future != null) {
            future.completeExceptionally(error);
        }
    }

    /** Fails every pending request with {@code error}. */
    void failAll(Throwable error) {
        for (Long id : byId.keySet()) {
            fail(id, error);
        }
    }
}
