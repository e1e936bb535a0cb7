package io.shardkv.raft.sim;

/**
 * The last events of a run, kept cheaply (references, formatted only on failure) so that a failing
 * seed can be explained without re-running it.
 */
public final class EventTrace {

    private record Event(long time, int node, Object what) {
    }

    private final Event[] ring;
    private long count;

    public EventTrace(int capacity) {
        this.ring = new Event[capacity];
    }

    public void record(long time, int node, Object what) {
        ring[(int) (count++ % ring.length)] = new Event(time, node, what);
    }

    /** The retained events, oldest first, one per line. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        long first = Math.max(0, count - ring.length);
        for (long i = first; i < count; i++) {
            Event e = ring[(int) (i % ring.length)];
            sb.append(String.format("%10.3f ms  n%-2d %s%n", e.time() / 1000.0, e.node(), e.what()));
        }
        return sb.toString();
    }
}
