package io.shardkv.cli;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A value fetched from a thread that may be slow to answer (the node's), read by one that must not
 * wait long (a scrape): each read asks for a fresh value and waits a bounded time for it; if it does
 * not come, the last one is served and the read counted stale. At most one fetch is in flight, so a
 * stalled source is asked once, not once per read.
 */
final class LastKnown<T> {

    /** A value and how old it is. */
    record Reading<T>(T value, long ageNanos) {
    }

    private final Supplier<CompletableFuture<T>> fetch;
    private final Duration wait;
    private final LongAdder staleReads = new LongAdder();
    private CompletableFuture<T> inFlight;
    private T last;
    private long lastAtNanos;

    LastKnown(Supplier<CompletableFuture<T>> fetch, Duration wait) {
        this.fetch = fetch;
        this.wait = wait;
    }

    /** The freshest value to be had within the wait; null if none ever came. */
    Reading<T> read() {
        CompletableFuture<T> f = startFetch();
        try {
            T value = f.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            synchronized (this) {
                if (inFlight == f) {
                    inFlight = null;
                }
                last = value;
                lastAtNanos = System.nanoTime();
                return new Reading<>(value, 0);
            }
        } catch (TimeoutException e) {
            staleReads.increment();
        } catch (ExecutionException e) {
            staleReads.increment();
            synchronized (this) {
                if (inFlight == f) {
                    inFlight = null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            staleReads.increment();
        }
        synchronized (this) {
            return last == null ? null : new Reading<>(last, System.nanoTime() - lastAtNanos);
        }
    }

    private synchronized CompletableFuture<T> startFetch() {
        if (inFlight == null) {
            inFlight = fetch.get();
        }
        return inFlight;
    }

    /** Reads that got no fresh value in time and were served the last one (or none). */
    long staleReads() {
        return staleReads.sum();
    }
}
