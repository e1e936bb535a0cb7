package io.shardkv.rpc;

import java.time.Duration;
import java.util.Random;

/**
 * Capped exponential backoff with jitter: the n-th delay after a reset is drawn uniformly from
 * [d/2, d] where d = min(max, min · 2ⁿ). The jitter keeps the peers of a restarted node from
 * reconnecting in lockstep. Not thread-safe: owned by one event loop.
 */
final class Backoff {

    private final long minNanos;
    private final long maxNanos;
    private final Random random;
    private long ceilingNanos;

    Backoff(Duration min, Duration max, Random random) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
        this.ceilingNanos = minNanos;
    }

    /** The delay before the next attempt, in nanoseconds; each call doubles the next ceiling. */
    long nextDelayNanos() {
        long ceiling = ceilingNanos;
        ceilingNanos = ceiling > maxNanos / 2 ? maxNanos : ceiling * 2;
        long floor = ceiling / 2;
        return floor + random.nextLong(ceiling - floor + 1);
    }

    /** An attempt succeeded: start again from the minimum. */
    void reset() {
        ceilingNanos = minNanos;
    }
}
