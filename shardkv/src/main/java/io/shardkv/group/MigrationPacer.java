package io.shardkv.group;

/**
 * Paces the bytes a leader pulls from other groups, so that a migration leaves the node's thread,
 * the log and the disk to the shards that do not move: a token bucket of {@code rate} bytes per
 * second holding at most one second's worth. A pull may start while the bucket is not in debt;
 * what it brings is taken from the bucket when it arrives, so one chunk may overdraw it and the
 * next waits until it is paid back. A rate of 0 paces nothing. Single-threaded (the node's).
 */
final class MigrationPacer {

    private final long rate;
    private double tokens;
    private long lastMillis;

    /** @param rate bytes per second; 0 for no limit */
    MigrationPacer(long rate, long nowMillis) {
        if (rate < 0) {
            throw new IllegalArgumentException("the migration rate must be >= 0 bytes per second, was " + rate);
        }
        this.rate = rate;
        this.tokens = rate;
        this.lastMillis = nowMillis;
    }

    /** Whether a pull may start now. */
    boolean mayPull(long nowMillis) {
        if (rate == 0) {
            return true;
        }
        refill(nowMillis);
        return tokens > 0;
    }

    /** A pull brought {@code bytes}. */
    void pulled(long bytes, long nowMillis) {
        if (rate != 0) {
            refill(nowMillis);
            tokens -= bytes;
        }
    }

    private void refill(long nowMillis) {
        if (nowMillis > lastMillis) {
            tokens = Math.min(rate, tokens + rate * (nowMillis - lastMillis) / 1000.0);
            lastMillis = nowMillis;
        }
    }
}
