package io.shardkv.rpc;

import java.security.SecureRandom;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client's exactly-once session with a replicated service: a random id, the next write's seq,
 * and the seqs whose replies have not arrived yet — the lowest of which every request carries, so
 * servers may forget the replies below it while calls overlap. Thread-safe.
 */
public final class ClientSession {

    private static final SecureRandom IDS = new SecureRandom();

    private final long clientId;
    private final AtomicLong nextSeq = new AtomicLong(1);
    private final NavigableSet<Long> outstanding = new ConcurrentSkipListSet<>();

    public ClientSession() {
        this(IDS.nextLong());
    }

    public ClientSession(long clientId) {
        this.clientId = clientId;
    }

    public long clientId() {
        return clientId;
    }

    /** Takes the next seq; it counts as unacknowledged until {@link #end}. */
    public long begin() {
        long seq = nextSeq.getAndIncrement();
        outstanding.add(seq);
        return seq;
    }

    /** The lowest seq whose reply has not arrived (the next seq if none is outstanding). */
    public long lowestUnacked() {
        Long first = outstanding.isEmpty() ? null : outstanding.first();
        return first != null ? first : nextSeq.get();
    }

    /** The reply to {@code seq} arrived, or the caller gave up on it. */
    public void end(long seq) {
        outstanding.remove(seq);
    }
}
