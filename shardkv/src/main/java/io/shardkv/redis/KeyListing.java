package io.shardkv.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Walks the keys a replica holds page by page, so that no read holds the node's thread for more
 * than one page; what is done with each key is done on {@code executor}, off the node's thread.
 */
final class KeyListing {

    /** Keys per read of the node's state. */
    static final int PAGE = 1024;

    private KeyListing() {
    }

    /**
     * Gives {@code visitor} each key from {@code from} through shard {@code lastShard} until it
     * answers false or the keys end.
     */
    static CompletableFuture<Void> walk(RedisBackend backend, KeyPage.Position from, int lastShard,
                                        Executor executor, Predicate<byte[]> visitor) {
        return backend.keys(from, lastShard, PAGE).thenComposeAsync(page -> {
            for (byte[] key : page.keys()) {
                if (!visitor.test(key)) {
                    return CompletableFuture.completedFuture(null);
                }
            }
            return page.next() == null ? CompletableFuture.<Void>completedFuture(null)
                    : walk(backend, page.next(), lastShard, executor, visitor);
        }, executor);
    }
}
