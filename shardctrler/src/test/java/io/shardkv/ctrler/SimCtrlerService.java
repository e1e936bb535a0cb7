package io.shardkv.ctrler;

import io.shardkv.raft.node.Applier;
import io.shardkv.raft.rsm.RsmHost;
import io.shardkv.raft.rsm.RsmOptions;
import io.shardkv.raft.sim.SimNode;
import io.shardkv.raft.sim.SimService;
import io.shardkv.rpc.ctrler.CtrlerRequest;
import io.shardkv.rpc.ctrler.CtrlerResponse;
import io.shardkv.rpc.ctrler.CtrlerStatus;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** The production controller stack (ControllerService on an RsmHost) hosted by a simulated node. */
public final class SimCtrlerService implements SimService {

    private final ControllerStateMachine stateMachine;
    private final RsmHost host;
    private final ControllerService service;

    public SimCtrlerService(SimNode node, int numShards, RsmOptions options, LongSupplier clockMillis) {
        this.stateMachine = new ControllerStateMachine(numShards);
        this.host = new RsmHost(stateMachine, node, options, clockMillis);
        this.service = new ControllerService(host, node::addressOf);
    }

    ControllerStateMachine stateMachine() {
        return stateMachine;
    }

    @Override
    public Applier applier() {
        return host;
    }

    @Override
    public void handle(Object request, Consumer<Object> reply) {
        if (request instanceof CtrlerRequest r) {
            service.handle(r, reply::accept);
        } else {
            reply.accept(CtrlerResponse.refused(CtrlerStatus.BAD_REQUEST, "not a controller request"));
        }
    }
}
