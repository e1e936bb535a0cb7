package io.shardkv.kv;

import io.shardkv.raft.node.Applier;
import io.shardkv.raft.rsm.RsmHost;
import io.shardkv.raft.rsm.RsmOptions;
import io.shardkv.raft.sim.SimNode;
import io.shardkv.raft.sim.SimService;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The production key/value stack (KvService on an RsmHost with a KvStateMachine) hosted by a node
 * of the simulator. Leader hints are the nodes' simulated addresses.
 */
final class SimKvService implements SimService {

    private final RsmHost host;
    private final KvService kv;
    private final KvStateMachine stateMachine = new KvStateMachine();

    SimKvService(SimNode node, RsmOptions options, LongSupplier clockMillis) {
        this.host = new RsmHost(stateMachine, node, options, clockMillis);
        this.kv = new KvService(host, node::addressOf);
    }

    static SimService.Factory factory(RsmOptions options, LongSupplier clockMillis) {
        return node -> new SimKvService(node, options, clockMillis);
    }

    KvStateMachine stateMachine() {
        return stateMachine;
    }

    RsmHost host() {
        return host;
    }

    @Override
    public Applier applier() {
        return host;
    }

    @Override
    public void handle(Object request, Consumer<Object> reply) {
        if (request instanceof KvRequest r) {
            kv.handle(r, reply::accept);
        } else {
            reply.accept(KvResponse.refused(KvStatus.BAD_REQUEST, "not a key/value request"));
        }
    }
}
