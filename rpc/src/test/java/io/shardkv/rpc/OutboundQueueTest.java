package io.shardkv.rpc;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboundQueueTest {

    private static OutboundQueue.Item item(int bytes, long requestId) {
        return new OutboundQueue.Item(Unpooled.buffer(bytes), requestId, bytes);
    }

    @Test
    void boundsItemsAndBytesIncludingThoseBeingWritten() {
        OutboundQueue queue = new OutboundQueue(3, 100);
        assertTrue(queue.offer(item(40, 0)));
        assertTrue(queue.offer(item(40, 0)));
        assertFalse(queue.offer(item(40, 0)), "over the byte bound");
        assertTrue(queue.offer(item(20, 0)));
        assertFalse(queue.offer(item(1, 0)), "over the item bound");

        OutboundQueue.Item polled = queue.poll();
        assertEquals(3, queue.held(), "a polled item is still being written");
        assertFalse(queue.offer(item(1, 0)));
        queue.release(polled);
        assertEquals(2, queue.held());
        assertTrue(queue.offer(item(40, 0)));
    }

    @Test
    void removesSelectedItemsKeepingTheOrderOfTheRest() {
        OutboundQueue queue = new OutboundQueue(10, 1000);
        for (int i = 1; i <= 6; i++) {
            queue.offer(item(10, i % 2 == 0 ? i : 0));
        }
        List<Long> removed = new ArrayList<>();
        queue.removeIf(OutboundQueue.Item::isRequest, item -> {
            removed.add(item.requestId());
            queue.release(item);
        });
        assertEquals(List.of(2L, 4L, 6L), removed);
        assertEquals(3, queue.held());
        for (int i = 0; i < 3; i++) {
            assertFalse(queue.poll().isRequest());
        }
        assertNull(queue.poll());
    }
}
