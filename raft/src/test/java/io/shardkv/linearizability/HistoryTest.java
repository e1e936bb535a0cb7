package io.shardkv.linearizability;

import static io.shardkv.linearizability.KvInput.append;
import static io.shardkv.linearizability.KvInput.get;
import static io.shardkv.linearizability.KvInput.put;
import static io.shardkv.linearizability.KvOutput.ABSENT;
import static io.shardkv.linearizability.KvOutput.OK;
import static io.shardkv.linearizability.KvOutput.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The recorder: times from its clock, timed-out and in-flight operations, misuse, concurrent clients. */
class HistoryTest {

    @Test
    void recordsTimesFromTheInjectedClock() {
        AtomicLong clock = new AtomicLong(100);
        History history = new History(clock::get);
        long h = history.invoke(7, put("x", "a"));
        clock.set(250);
        history.ret(h, OK);
        assertEquals(List.of(Operation.completed(7, put("x", "a"), OK, 100, 250)), history.operations());
    }

    @Test
    void timedOutAndInFlightOperationsMayOrMayNotHaveTakenEffect() {
        AtomicLong clock = new AtomicLong();
        History history = new History(clock::get);
        long gaveUp = history.invoke(1, put("x", "a"));
        clock.set(10);
        history.invoke(2, append("x", "b"));
        history.timedOut(gaveUp);
        assertEquals(List.of(Operation.timedOut(1, put("x", "a"), 0), Operation.timedOut(2, append("x", "b"), 10)),
                history.operations());
    }

    @Test
    void misuseFailsAtTheCall() {
        History history = new History();
        long h = history.invoke(1, put("x", "a"));
        assertThrows(IllegalArgumentException.class, () -> history.ret(h, ABSENT));
        history.ret(h, OK);
        assertThrows(IllegalStateException.class, () -> history.ret(h, OK));
        assertThrows(IllegalStateException.class, () -> history.timedOut(h));
        assertThrows(IllegalArgumentException.class, () -> history.ret(5, OK));
    }

    @Test
    void clientThreadsRecordingAtOnceProduceACheckableHistory() throws Exception {
        // A store that is linearizable because every operation runs under one lock.
        Map<String, String> store = new HashMap<>();
        History history = new History();
        int clients = 8;
        int perClient = 250;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perClient; i++) {
                        String key = "k" + (i % 3);
                        if (i % 2 == 0) {
                            long h = history.invoke(client, append(key, "[" + client + "." + i + "]"));
                            synchronized (store) {
                                store.merge(key, "[" + client + "." + i + "]", String::concat);
                            }
                            history.ret(h, OK);
                        } else {
                            long h = history.invoke(client, get(key));
                            String v;
                            synchronized (store) {
                                v = store.get(key);
                            }
                            history.ret(h, v == null ? ABSENT : value(v));
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(clients * perClient, history.size());
        CheckResult result = LinearizabilityChecker.check(history.operations());
        assertTrue(result.isOk(), result::describe);
    }
}
