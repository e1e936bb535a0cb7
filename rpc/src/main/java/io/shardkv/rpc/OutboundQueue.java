package io.shardkv.rpc;

import io.netty.buffer.ByteBuf;

import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Encoded frames for one peer, from the moment a caller hands them over until the socket has taken
 * them. The bound (frames and bytes) covers both the frames waiting here while the connection is
 * down and those already handed to Netty but not yet written, so a slow or absent peer can never
 * make memory grow past it. Thread-safe; many producers, one consumer (the connection's event loop).
 */
final class OutboundQueue {

    /** One frame; {@code requestId} is its correlation id if it is a request, 0 for a message. */
    record Item(ByteBuf frame, long requestId, int bytes) {
        boolean isRequest() {
            return requestId != 0;
        }
    }

    private final Queue<Item> items = new ConcurrentLinkedQueue<>();
    private final int maxItems;
    private final long maxBytes;
    private final AtomicInteger heldItems = new AtomicInteger();
    private final AtomicLong heldBytes = new AtomicLong();

    OutboundQueue(int maxItems, long maxBytes) {
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
    }

    /** Queues {@code item} if the bound allows; false (and nothing queued) otherwise. */
    boolean offer(Item item) {
        if (heldItems.incrementAndGet() > maxItems) {
            heldItems.decrementAndGet();
            return false;
        }
        if (heldBytes.addAndGet(item.bytes()) > maxBytes) {
            heldBytes.addAndGet(-item.bytes());
            heldItems.decrementAndGet();
            return false;
        }
        items.add(item);
        return true;
    }

    /** The next queued item, still counted against the bound until {@link #release}d; or null. */
    Item poll() {
        return items.poll();
    }

    /**
     * Removes the queued items {@code selected} picks and hands each to {@code removed}, which
     * must {@link #release} it. Only the consumer may call this.
     */
    void removeIf(Predicate<Item> selected, Consumer<Item> removed) {
        for (Iterator<Item> it = items.iterator(); it.hasNext(); ) {
            Item item = it.next();
            if (selected.test(item)) {
                it.remove();
                removed.accept(item);
            }
        }
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    /** {@code item} was written or discarded: its room is free again. */
    void release(Item item) {
        heldBytes.addAndGet(-item.bytes());
        heldItems.decrementAndGet();
    }

    /** Items queued or being written. */
    int held() {
        return heldItems.get();
    }
}
