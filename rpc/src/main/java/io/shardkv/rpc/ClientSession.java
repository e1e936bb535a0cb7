package io.shardkv.rpc;

import java.security.SecureRandom;
import java.util.TreeSet;

/**
 * A client's exactly-once session with a replicated service: a random id, the next write's seq,
 * and the seqs whose replies have not arrived yet — the lowest of which every request carries, so
 * servers may forget the replies below it while calls overlap. Thread-safe.
 *
 * <p>Taking a seq and recording it as outstanding happen under one lock: were they two steps, a
 * concurrent call could report a lowest unacknowledged seq above one just taken but not yet
 * recorded, and servers would refuse that write as already acknowledged.
 */
public final class ClientSession {

    private static final SecureRandom IDS = new SecureRandom();

    private final long clientId;
    private final TreeSet<Long> outstanding = new TreeSet<>();
    private long nextSeq = 1;

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
    public synchronized long begin() {
        long seq = nextSeq++;
        outstanding.add(seq);
        return seq;
    }

    /** The lowest seq whose reply has not arrived (the next seq if none is outstanding); never decreases. */
    public synchronized long lowestUnacked() {
        return outstanding.isEmpty() ? nextSeq : outstanding.first();
    }

    /** The reply to {@code seq} arrived, or the caller gave up on it. */
    public synchronized void end(long seq) {
        outstanding.remove(seq);
    }
}
