package io.shardkv.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ClientSessionTest {

    @Test
    void theLowestUnackedSeqIsTheOldestCallStillWaiting() {
        ClientSession s = new ClientSession(7);
        assertEquals(1, s.lowestUnacked(), "nothing outstanding: the next seq");
        long a = s.begin();
        long b = s.begin();
        assertEquals(a, s.lowestUnacked());
        s.end(a);
        assertEquals(b, s.lowestUnacked());
        s.end(b);
        assertEquals(3, s.lowestUnacked());
    }

    @Test
    void readersNeverFailWhileWritersEmptyAndRefillTheSet() throws Exception {
        ClientSession s = new ClientSession(7);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicBoolean done = new AtomicBoolean();
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                readers.add(pool.submit(() -> {
                    long previous = 0;
                    while (!done.get()) {
                        long lowest = s.lowestUnacked();
                        assertTrue(lowest >= previous, "the lowest unacknowledged seq went back from " + previous);
                        previous = lowest;
                    }
                    return null;
                }));
            }
            Future<?> writer = pool.submit(() -> {
                for (int i = 0; i < 300_000; i++) {
                    s.end(s.begin());
                }
                done.set(true);
                return null;
            });
            writer.get(1, TimeUnit.MINUTES);
            for (Future<?> r : readers) {
                r.get(1, TimeUnit.MINUTES);
            }
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
        assertEquals(300_001, s.lowestUnacked());
    }
}
