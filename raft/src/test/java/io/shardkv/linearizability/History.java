package io.shardkv.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Records the operations clients perform, for {@link LinearizabilityChecker}. Thread-safe: any
 * number of client threads may record at once.
 *
 * <p>A client calls {@link #invoke} just before sending a request and {@link #ret} just after the
 * answer arrives, or {@link #timedOut} when it gives up. All times come from the one clock given at
 * construction — {@link System#nanoTime} by default; a simulator passes its virtual clock — because
 * the checker compares times across clients.
 */
public final class History {

    private final LongSupplier clock;
    /** Indexed by handle. Guarded by {@code this}. */
    private final List<Slot> slots = new ArrayList<>();

    private static final class Slot {
        final long clientId;
        final KvInput input;
        final long invokeNanos;
        Operation finished;

        Slot(long clientId, KvInput input, long invokeNanos) {
            this.clientId = clientId;
            this.input = input;
            this.invokeNanos = invokeNanos;
        }
    }

    /** A history timed by {@link System#nanoTime}. */
    public History() {
        this(System::nanoTime);
    }

    /** A history timed by {@code clock}, which must never go backwards and counts nanoseconds. */
    public History(LongSupplier clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Records that {@code clientId} is about to send {@code input}; returns the handle to finish it with. */
    public long invoke(long clientId, KvInput input) {
        Objects.requireNonNull(input, "input");
        long now = clock.getAsLong();
        synchronized (this) {
            slots.add(new Slot(clientId, input, now));
            return slots.size() - 1;
        }
    }

    /** Records that the operation {@code handle} returned {@code output}. */
    public void ret(long handle, KvOutput output) {
        Objects.requireNonNull(output, "output");
        long now = clock.getAsLong();
        synchronized (this) {
            Slot s = unfinished(handle);
            s.finished = Operation.completed(s.clientId, s.input, output, s.invokeNanos, now);
        }
    }

    /** Records that the client gave up on the operation {@code handle}: it may or may not take effect. */
    public synchronized void timedOut(long handle) {
        Slot s = unfinished(handle);
        s.finished = Operation.timedOut(s.clientId, s.input, s.invokeNanos);
    }

    /**
     * The operations recorded so far, in the order their invocations were recorded. One still in
     * flight is reported as timed out, which is exactly what is known about it: it may yet take
     * effect, or never.
     */
    public synchronized List<Operation> operations() {
        List<Operation> ops = new ArrayList<>(slots.size());
        for (Slot s : slots) {
            ops.add(s.finished != null ? s.finished : Operation.timedOut(s.clientId, s.input, s.invokeNanos));
        }
        return ops;
    }

    /** The number of operations invoked so far. */
    public synchronized int size() {
        return slots.size();
    }

    private Slot unfinished(long handle) {
        if (handle < 0 || handle >= slots.size()) {
            throw new IllegalArgumentException("no operation with handle " + handle + " (" + slots.size()
                    + " recorded)");
        }
        Slot s = slots.get((int) handle);
        if (s.finished != null) {
            throw new IllegalStateException("operation " + handle + " already finished: " + s.finished);
        }
        return s;
    }
}
