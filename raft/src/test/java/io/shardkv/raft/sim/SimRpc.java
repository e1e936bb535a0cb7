package io.shardkv.raft.sim;

/** Client request/response framing on the simulated network (correlated by id, like the rpc module's frames). */
public final class SimRpc {

    private SimRpc() {
    }

    public record Request(long id, Object body) {
    }

    public record Response(long id, Object body) {
    }
}
