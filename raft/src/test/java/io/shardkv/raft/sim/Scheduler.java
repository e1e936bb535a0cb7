package io.shardkv.raft.sim;

import java.util.PriorityQueue;

/**
 * The simulator's clock and event queue: one thread, virtual time in microseconds, events ordered
 * by (time, insertion order) so that equal times are resolved the same way on every replay.
 */
public final class Scheduler {

    private record Scheduled(long time, long seq, Runnable action) implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>();
    private long now;
    private long seq;
    private long executed;

    /** Virtual microseconds since the start of the run. */
    public long now() {
        return now;
    }

    public long eventsExecuted() {
        return executed;
    }

    public void at(long time, Runnable action) {
        if (time < now) {
            throw new IllegalArgumentException("cannot schedule in the past: " + time + " < " + now);
        }
        queue.add(new Scheduled(time, seq++, action));
    }

    public void after(long delayMicros, Runnable action) {
        at(now + delayMicros, action);
    }

    /** Runs the next event; returns false if there is none. */
    public boolean runNext() {
        Scheduled s = queue.poll();
        if (s == null) {
            return false;
        }
        now = s.time();
        executed++;
        s.action().run();
        return true;
    }

    /** Time of the next event, or Long.MAX_VALUE. */
    public long nextTime() {
        Scheduled s = queue.peek();
        return s == null ? Long.MAX_VALUE : s.time();
    }

    /** Moves the clock forward to {@code time} once every earlier event has run. */
    void advanceTo(long time) {
        if (time > now) {
            now = time;
        }
    }
}
