package io.shardkv.raft.sim;

/** A broken invariant or a missed liveness bound in a simulated run. */
public final class SimulationFailure extends AssertionError {

    private static final long serialVersionUID = 1L;

    public SimulationFailure(String message) {
        super(message);
    }

    public SimulationFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
