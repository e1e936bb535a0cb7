package io.shardkv.raft.sim;

/**
 * A simulated client that runs one operation at a time until it is stopped: {@link #step()}
 * issues the next operation, whose completion calls {@code step()} again; after {@link #stop()}
 * the next {@code step()} issues nothing and the client is {@link #done()}. So once a test has
 * stopped its clients, "every client done" means every operation in flight has returned.
 */
public abstract class SteppingClient {

    private boolean stopping;
    private boolean done;

    /** Issues no further operation; the one in flight still completes. */
    public final void stop() {
        stopping = true;
    }

    /** Whether the client was stopped and its last operation has returned. */
    public final boolean done() {
        return done;
    }

    /** Issues the next operation, or, once stopped, marks the client done. */
    public final void step() {
        if (stopping) {
            done = true;
            return;
        }
        issue();
    }

    /** Issues one operation; its completion must call {@link #step()}. */
    protected abstract void issue();
}
