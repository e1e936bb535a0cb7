package io.shardkv.redis.resp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes a server's RESP connections together hold for commands not yet fully received, and
 * the most they may: without it, every connection could hold a command of the largest size
 * ({@link RespLimits#maxCommandBytes()}) half sent.
 */
public final class RespBudget {

    private final long max;
    private final AtomicLong held = new AtomicLong();

    public RespBudget(long max) {
        if (max < 1) {
            throw new IllegalArgumentException("the incomplete-command budget must be positive, was " + max);
        }
        this.max = max;
    }

    /** Takes {@code bytes} more, or gives them back if negative; false, taking nothing, if the budget cannot hold them. */
    boolean reserve(long bytes) {
        long total = held.addAndGet(bytes);
        if (bytes > 0 && total > max) {
            held.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    public long held() {
        return held.get();
    }

    public long max() {
        return max;
    }
}
