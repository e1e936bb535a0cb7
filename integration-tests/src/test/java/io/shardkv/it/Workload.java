package io.shardkv.it;

import io.shardkv.linearizability.Bytes;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.KvInput;
import io.shardkv.linearizability.KvOutput;
import io.shardkv.linearizability.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Concurrent clients on a small key space, every operation recorded for the linearizability
 * checker. {@value #THREADS} threads over {@value #CLIENTS} client instances ({@link ClusterSession}:
 * the client library or a Redis client), each its own session and connections; two instances serve two threads each, so concurrent callers of one session are
 * exercised too. Register keys see get, put, append and
 * compare-and-set; ledger keys see only appends of unique tokens and reads, so that a final read
 * shows every acknowledged append exactly once.
 */
final class Workload implements AutoCloseable {

    static final int THREADS = 12;
    static final int CLIENTS = 10;
    private static final int REGISTER_KEYS = 6;
    private static final int LEDGER_KEYS = 4;
    /** A call that takes longer than this is recorded as timed out (it may still take effect). */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
    /** Per thread, whatever the duration: loops are bounded in count as well as in time. */
    private static final int MAX_OPS_PER_THREAD = 2_000_000;
    /**
     * Per thread. Without a pace the history grows with the machine's speed: on a disk that fsyncs
     * in 0.1 ms a two-minute soak round recorded ~400,000 operations, with ledger values of tens of
     * thousands of tokens, and the checker ran out of heap on it. Paced, a round's history has the
     * size the checker is known to handle on any machine (~720 operations per second in all).
     */
    private static final int MAX_OPS_PER_SECOND_PER_THREAD = 60;

    private final History history = new History();
    private final List<ClusterSession> clients = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    private final List<Future<?>> threads = new ArrayList<>();
    private final AtomicLongArray completed = new AtomicLongArray(THREADS);
    private final AtomicLong timedOut = new AtomicLong();
    private final Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> attempted = new ConcurrentHashMap<>();
    private final List<String> registers = new ArrayList<>();
    private final List<String> ledgers = new ArrayList<>();
    private final long deadlineNanos;
    private volatile boolean stop;

    /**
     * Starts the clients, each a session from {@code sessions}, on keys named {@code prefix}...; they
     * stop on {@link #stop()} or after {@code maxDuration}, whichever comes first.
     */
    Workload(Supplier<ClusterSession> sessions, String prefix, long seed, Duration maxDuration) {
        this.deadlineNanos = System.nanoTime() + maxDuration.toNanos();
        for (int k = 0; k < REGISTER_KEYS; k++) {
            registers.add(prefix + "register" + k);
        }
        for (int k = 0; k < LEDGER_KEYS; k++) {
            ledgers.add(prefix + "ledger" + k);
        }
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(sessions.get());
        }
        for (String ledger : ledgers) {
            acknowledged.put(ledger, ConcurrentHashMap.newKeySet());
            attempted.put(ledger, ConcurrentHashMap.newKeySet());
        }
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Random random = new Random(seed * 31 + t);
            ClusterSession client = clients.get(t % CLIENTS);
            threads.add(pool.submit(() -> run(thread, client, random)));
        }
        pool.shutdown();
    }

    private void run(int thread, ClusterSession client, Random random) {
        Map<String, String> lastSeen = new HashMap<>();
        long period = TimeUnit.SECONDS.toNanos(1) / MAX_OPS_PER_SECOND_PER_THREAD;
        long next = System.nanoTime();
        for (int n = 0; n < MAX_OPS_PER_THREAD && !stop && System.nanoTime() < deadlineNanos; n++) {
            long now = System.nanoTime();
            if (next > now) {
                LockSupport.parkNanos(next - now);
            }
            // After a slow call the next one goes at once, but never in a burst to catch up.
            next = Math.max(next, now) + period;
            String token = thread + "." + n + ";";
            int dice = random.nextInt(100);
            String register = registers.get(random.nextInt(registers.size()));
            String ledger = ledgers.get(random.nextInt(ledgers.size()));
            if (dice < 30) {
                call(thread, new KvInput.Get(Bytes.of(register)), () -> {
                    String v = client.get(register);
                    if (v != null) {
                        lastSeen.put(register, v);
                    }
                    return v == null ? KvOutput.ABSENT : KvOutput.value(v);
                });
            } else if (dice < 45) {
                call(thread, new KvInput.Put(Bytes.of(register), Bytes.of(token)), () -> {
                    client.put(register, token);
                    return KvOutput.OK;
                });
            } else if (dice < 55) {
                call(thread, new KvInput.Append(Bytes.of(register), Bytes.of(token)), () -> {
                    client.append(register, token);
                    return KvOutput.OK;
                });
            } else if (dice < 70) {
                String expected = lastSeen.get(register);
                call(thread, new KvInput.Cas(Bytes.of(register), expected == null ? null : Bytes.of(expected),
                        Bytes.of(token)), () -> KvOutput.casResult(client.compareAndSet(register, expected, token)));
            } else if (dice < 95) {
                attempted.get(ledger).add(token);
                if (call(thread, new KvInput.Append(Bytes.of(ledger), Bytes.of(token)), () -> {
                    client.append(ledger, token);
                    return KvOutput.OK;
                })) {
                    acknowledged.get(ledger).add(token);
                }
            } else {
                call(thread, new KvInput.Get(Bytes.of(ledger)), () -> {
                    String v = client.get(ledger);
                    return v == null ? KvOutput.ABSENT : KvOutput.value(v);
                });
            }
        }
    }

    private interface Call {
        KvOutput run();
    }

    /** Performs and records one operation; returns whether it completed (rather than timed out). */
    private boolean call(int thread, KvInput input, Call call) {
        long handle = history.invoke(thread, input);
        try {
            history.ret(handle, call.run());
            completed.incrementAndGet(thread);
            return true;
        } catch (ClusterSession.OutcomeUnknown e) {
            // Anything else thrown is a bug the test reports when it collects the threads.
            history.timedOut(handle);
            timedOut.incrementAndGet();
            return false;
        }
    }

    /**
     * Waits until every client thread has completed at least {@code ops} more operations, failing
     * if one has not within {@code bound} — the liveness check after faults heal.
     */
    void awaitEveryThreadCompletes(int ops, Duration bound) throws InterruptedException {
        long[] from = new long[THREADS];
        for (int t = 0; t < THREADS; t++) {
            from[t] = completed.get(t);
        }
        long deadline = System.nanoTime() + bound.toNanos();
        for (int t = 0; t < THREADS; t++) {
            while (completed.get(t) < from[t] + ops) {
                if (threads.get(t).isDone()) {
                    collect(t);
                    throw new AssertionError("client thread " + t + " ended before completing " + ops + " operations");
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("client thread " + t + " completed " + (completed.get(t) - from[t])
                            + " of " + ops + " operations within " + bound.toSeconds() + " s of the cluster healing");
                }
                Thread.sleep(20);
            }
        }
    }

    /** Stops the clients and waits for them; rethrows what any of them failed with. */
    void stop() throws Exception {
        stop = true;
        for (int t = 0; t < THREADS; t++) {
            collect(t);
        }
    }

    private void collect(int thread) {
        try {
            threads.get(thread).get(CALL_TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("client thread " + thread + " failed", e);
        }
    }

    List<Operation> operations() {
        return history.operations();
    }

    long completedOperations() {
        long sum = 0;
        for (int t = 0; t < THREADS; t++) {
            sum += completed.get(t);
        }
        return sum;
    }

    long timedOutOperations() {
        return timedOut.get();
    }

    List<String> ledgers() {
        return ledgers;
    }

    Set<String> acknowledgedAppends(String ledger) {
        return acknowledged.get(ledger);
    }

    Set<String> attemptedAppends(String ledger) {
        return attempted.get(ledger);
    }

    @Override
    public void close() {
        stop = true;
        pool.shutdownNow();
        clients.forEach(ClusterSession::close);
    }
}
