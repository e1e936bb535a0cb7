package io.shardkv.linearizability;

import java.util.Objects;

/**
 * One client operation as observed from outside the store: who asked, what, what came back, and
 * when — in nanoseconds on one monotonic clock shared by the whole history (real or virtual).
 *
 * <p>A <em>timed-out</em> operation is one whose answer never arrived: it may or may not have taken
 * effect, and if it did, at a single point after {@link #invokeNanos()}, possibly long after the
 * client gave up. Its {@link #output()} is null and its {@link #returnNanos()} is {@link #NEVER}, so
 * the checker may place it anywhere after its invocation (placing it last means "never took
 * effect") and accepts any output for it.
 *
 * <p>An operation counts as concurrent with another whose interval merely touches it (one returns at
 * the very nanosecond the other is invoked): equal timestamps cannot prove an order.
 *
 * @param clientId    who issued it; used only to make counter-examples readable
 * @param input       the request
 * @param output      the answer, or null if it timed out
 * @param invokeNanos when the client sent it (read before sending)
 * @param returnNanos when the client received the answer (read after receiving), or {@link #NEVER}
 */
public record Operation(long clientId, KvInput input, KvOutput output, long invokeNanos, long returnNanos) {

    /** The return time of a timed-out operation. */
    public static final long NEVER = Long.MAX_VALUE;

    /** Validates that output and return time agree on whether the operation timed out. */
    public Operation {
        Objects.requireNonNull(input, "input");
        if (output == null) {
            if (returnNanos != NEVER) {
                throw new IllegalArgumentException("an operation without output is a timed-out one and must return"
                        + " NEVER, but " + input + " returns at " + returnNanos);
            }
        } else {
            if (!input.canReport(output)) {
                throw new IllegalArgumentException(input + " cannot report " + output);
            }
            if (returnNanos == NEVER) {
                throw new IllegalArgumentException(input + " has output " + output + " but never returned");
            }
        }
        if (returnNanos < invokeNanos) {
            throw new IllegalArgumentException(input + " returns at " + returnNanos + " ns, before its invoke at "
                    + invokeNanos + " ns");
        }
    }

    /** An operation whose answer arrived. */
    public static Operation completed(long clientId, KvInput input, KvOutput output, long invokeNanos,
            long returnNanos) {
        return new Operation(clientId, input, Objects.requireNonNull(output, "output"), invokeNanos, returnNanos);
    }

    /** An operation whose answer never arrived: it may or may not have taken effect. */
    public static Operation timedOut(long clientId, KvInput input, long invokeNanos) {
        return new Operation(clientId, input, null, invokeNanos, NEVER);
    }

    /** Whether the answer never arrived. */
    public boolean isTimedOut() {
        return output == null;
    }

    /** The key the operation concerns. */
    public Bytes key() {
        return input.key();
    }

    @Override
    public String toString() {
        return "client " + clientId + " " + input + " -> " + (output == null ? "?" : output) + " ["
                + invokeNanos + ", " + (returnNanos == NEVER ? "never" : returnNanos) + "]";
    }
}
