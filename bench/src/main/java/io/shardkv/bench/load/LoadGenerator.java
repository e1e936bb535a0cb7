package io.shardkv.bench.load;

import io.shardkv.bench.store.Target;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Sends operations to a target and records each one's latency, in one of two modes.
 *
 * <p>Closed loop: {@code clients} clients, each with one operation outstanding; a client sends
 * its next operation when the previous one completes. Throughput is what the system sustains at
 * that concurrency.
 *
 * <p>Open loop: operations start at a fixed rate whatever the system does, at most
 * {@code clients} outstanding (an operation due while all are busy waits for one). Latency counts
 * from when the operation was due, not when it was sent, so a stalled system is charged for the
 * operations it held up (no coordinated omission).
 *
 * <p>A source returns null when it has no more operations (loading a key space); the load also
 * ends on {@link #stop}. A failed operation is counted, and its client waits a moment before the
 * next one so a down system is not hammered in a tight loop.
 */
public final class LoadGenerator implements AutoCloseable {

    private static final long PAUSE_AFTER_ERROR_MS = 10;

    private final Target target;
    private final Measurement measurement;
    private final Duration opTimeout;
    private final ScheduledExecutorService retryTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-error-pause");
        t.setDaemon(true);
        return t;
    });
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private volatile boolean running = true;

    public LoadGenerator(Target target, Measurement measurement, Duration opTimeout) {
        this.target = target;
        this.measurement = measurement;
        this.opTimeout = opTimeout;
    }

    /** Starts {@code clients} closed-loop clients drawing operations from {@code source}. */
    public void startClosedLoop(int clients, Function<SplittableRandom, Operation> source, long seed) {
        requirePositive(clients, "--clients");
        AtomicInteger active = new AtomicInteger(clients);
        SplittableRandom seeds = new SplittableRandom(seed);
        for (int i = 0; i < clients; i++) {
            new ClosedLoopClient(source, seeds.split(), active).run();
        }
    }

    /** Starts operations at {@code rate} per second, at most {@code maxOutstanding} at a time. */
    public void startOpenLoop(double rate, int maxOutstanding, Function<SplittableRandom, Operation> source, long seed) {
        requirePositive(maxOutstanding, "--clients");
        if (!(rate > 0)) {
            throw new IllegalArgumentException("--rate must be positive, got " + rate);
        }
        Thread pacer = new Thread(() -> pace(rate, maxOutstanding, source, new SplittableRandom(seed)), "bench-pacer");
        pacer.setDaemon(true);
        pacer.start();
    }

    /** Stops sending; {@link #finished} completes once every outstanding operation has. */
    public void stop() {
        running = false;
    }

    /** Completes when the load has ended (stopped, or the source ran out) and nothing is outstanding. */
    public CompletableFuture<Void> finished() {
        return finished;
    }

    @Override
    public void close() {
        stop();
        retryTimer.shutdownNow();
    }

    private static void requirePositive(int n, String flag) {
        if (n < 1) {
            throw new IllegalArgumentException(flag + " must be at least 1, got " + n);
        }
    }

    private CompletableFuture<?> send(Operation op) {
        CompletableFuture<?> f;
        try {
            f = switch (op.kind()) {
                case READ -> target.read(op.key());
                case WRITE -> target.write(op.key(), op.value());
                case CAS -> target.compareAndSet(op.key(), op.expected(), op.value());
            };
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.orTimeout(opTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static Throwable failureOf(CompletableFuture<?> done) {
        return done.handle((r, e) -> e).join();
    }

    private final class ClosedLoopClient {
        private final Function<SplittableRandom, Operation> source;
        private final SplittableRandom random;
        private final AtomicInteger active;

        ClosedLoopClient(Function<SplittableRandom, Operation> source, SplittableRandom random, AtomicInteger active) {
            this.source = source;
            this.random = random;
            this.active = active;
        }

        /** Sends operations until one is still in flight (its completion calls this again) or the load ends. */
        void run() {
            while (true) {
                Operation op = running ? source.apply(random) : null;
                if (op == null) {
                    if (active.decrementAndGet() == 0) {
                        finished.complete(null);
                    }
                    return;
                }
                long start = System.nanoTime();
                CompletableFuture<?> f = send(op);
                if (!f.isDone()) {
                    f.whenComplete((r, e) -> {
                        if (completed(op, start, e)) {
                            run();
                        }
                    });
                    return;
                }
                if (!completed(op, start, failureOf(f))) {
                    return;
                }
            }
        }

        /** Records the outcome; false if the client pauses after a failure (it resumes by itself). */
        private boolean completed(Operation op, long start, Throwable failure) {
            if (failure == null) {
                measurement.record(op.kind(), System.nanoTime() - start);
                return true;
            }
            measurement.error(op.kind(), failure);
            retryTimer.schedule(this::run, PAUSE_AFTER_ERROR_MS, TimeUnit.MILLISECONDS);
            return false;
        }
    }

    private void pace(double rate, int maxOutstanding, Function<SplittableRandom, Operation> source, SplittableRandom random) {
        Semaphore slots = new Semaphore(maxOutstanding);
        long t0 = System.nanoTime();
        for (long i = 0; running; i++) {
            long due = t0 + (long) (i * 1e9 / rate);
            for (long wait = due - System.nanoTime(); wait > 0 && running; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            Operation op = running ? source.apply(random) : null;
            if (op == null) {
                break;
            }
            slots.acquireUninterruptibly();
            send(op).whenComplete((r, e) -> {
                if (e == null) {
                    measurement.record(op.kind(), System.nanoTime() - due);
                } else {
                    measurement.error(op.kind(), e);
                }
                slots.release();
            });
        }
        slots.acquireUninterruptibly(maxOutstanding);
        finished.complete(null);
    }
}
