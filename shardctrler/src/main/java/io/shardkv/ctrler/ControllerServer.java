package io.shardkv.ctrler;

import io.shardkv.raft.node.NodeStatus;
import io.shardkv.raft.server.ReplicaConfig;
import io.shardkv.raft.server.ReplicaServer;
import io.shardkv.raft.transport.RaftWireTypes;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.ctrler.CtrlerRequest;
import io.shardkv.rpc.ctrler.CtrlerResponse;
import io.shardkv.rpc.ctrler.CtrlerStatus;
import io.shardkv.rpc.ctrler.CtrlerWireTypes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * One replica of the shard controller: a {@link ReplicaServer} running the
 * {@link ControllerStateMachine}, with {@link ControllerService} answering {@link CtrlerRequest}s.
 */
public final class ControllerServer implements AutoCloseable {

    private final ReplicaServer replica;

    private ControllerServer(ReplicaServer replica) {
        this.replica = replica;
    }

    /** The codec of a controller's port: Raft messages and controller requests. */
    public static Codec codec() {
        return Codec.builder().install(new RaftWireTypes()).install(new CtrlerWireTypes()).build();
    }

    /** Starts a replica of a controller for {@code numShards} shards (fixed for the cluster's life). */
    public static ControllerServer start(ReplicaConfig config, int numShards, EventLoops loops) throws IOException {
        return start(config, numShards, loops, ReplicaServer.LinkFilter.OPEN);
    }

    static ControllerServer start(ReplicaConfig config, int numShards, EventLoops loops, ReplicaServer.LinkFilter links)
            throws IOException {
        return new ControllerServer(ReplicaServer.start(config, loops, codec(), new ControllerStateMachine(numShards),
                (host, addressOf) -> new Handler(new ControllerService(host, addressOf)), links));
    }

    private record Handler(ControllerService service) implements ReplicaServer.RequestHandler {
        @Override
        public void handle(Object request, Consumer<Object> reply) {
            if (request instanceof CtrlerRequest r) {
                service.handle(r, reply::accept);
            } else {
                reply.accept(CtrlerResponse.refused(CtrlerStatus.BAD_REQUEST, "expected a CtrlerRequest, got "
                        + request.getClass().getSimpleName()));
            }
        }

        @Override
        public Object timeout(Object request) {
            return CtrlerResponse.refused(CtrlerStatus.TIMEOUT, "no outcome within the request timeout");
        }
    }

    public NodeStatus status() {
        return replica.status();
    }

    public InetSocketAddress address() {
        return replica.address();
    }

    @Override
    public void close() throws IOException {
        replica.close();
    }
}
