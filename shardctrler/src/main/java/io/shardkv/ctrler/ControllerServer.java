package io.shardkv.ctrler;

import io.shardkv.raft.server.ReplicaConfig;
import io.shardkv.raft.server.ReplicaServer;
import io.shardkv.raft.transport.RaftWireTypes;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.Services;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.ctrler.CtrlerRequest;
import io.shardkv.rpc.ctrler.CtrlerResponse;
import io.shardkv.rpc.ctrler.CtrlerStatus;
import io.shardkv.rpc.ctrler.CtrlerWireTypes;
import java.io.IOException;

/**
 * Starts a replica of the shard controller: a {@link ReplicaServer} running the
 * {@link ControllerStateMachine}, with {@link ControllerService} answering {@link CtrlerRequest}s.
 */
public final class ControllerServer {

    private ControllerServer() {
    }

    /** The codec of a controller's port: Raft messages and controller requests. */
    public static Codec codec() {
        return Codec.builder().install(new RaftWireTypes()).install(new CtrlerWireTypes()).build();
    }

    /** Starts a replica of a controller for {@code numShards} shards (fixed for the cluster's life). */
    public static ReplicaServer start(ReplicaConfig config, int numShards, EventLoops loops) throws IOException {
        ReplicaConfig named = config.withService(Services.CONTROLLER);
        return ReplicaServer.start(named, loops, codec(), new ControllerStateMachine(numShards), (host, addressOf) -> {
            ControllerService service = new ControllerService(host, addressOf);
            return ReplicaServer.handlerFor(CtrlerRequest.class,
                    (request, reply) -> service.handle(request, reply::accept),
                    why -> CtrlerResponse.refused(CtrlerStatus.BAD_REQUEST, why),
                    () -> CtrlerResponse.refused(CtrlerStatus.TIMEOUT, "no outcome within the request timeout"),
                    () -> CtrlerResponse.refused(CtrlerStatus.SHUTTING_DOWN, "this replica is stopping"));
        }, ReplicaServer.LinkFilter.OPEN);
    }
}
