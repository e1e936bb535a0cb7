package io.shardkv.kv;

import io.shardkv.raft.node.NodeStatus;
import io.shardkv.raft.server.ReplicaConfig;
import io.shardkv.raft.server.ReplicaServer;
import io.shardkv.raft.transport.RaftWireTypes;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import io.shardkv.rpc.kv.KvWireTypes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * One replica of a single-group key/value service: a {@link ReplicaServer} running the
 * {@link KvStateMachine}, with {@link KvService} answering {@link KvRequest}s.
 */
public final class KvServer implements AutoCloseable {

    private final ReplicaServer replica;

    private KvServer(ReplicaServer replica) {
        this.replica = replica;
    }

    /** The codec of the key/value service's port: Raft messages and key/value requests. */
    public static Codec codec() {
        return Codec.builder().install(new RaftWireTypes()).install(new KvWireTypes()).build();
    }

    public static KvServer start(ReplicaConfig config, EventLoops loops) throws IOException {
        return start(config, loops, ReplicaServer.LinkFilter.OPEN);
    }

    static KvServer start(ReplicaConfig config, EventLoops loops, ReplicaServer.LinkFilter links) throws IOException {
        return new KvServer(ReplicaServer.start(config, loops, codec(), new KvStateMachine(),
                (host, addressOf) -> new Handler(new KvService(host, addressOf)), links));
    }

    private record Handler(KvService service) implements ReplicaServer.RequestHandler {
        @Override
        public void handle(Object request, Consumer<Object> reply) {
            if (request instanceof KvRequest r) {
                service.handle(r, reply::accept);
            } else {
                reply.accept(KvResponse.refused(KvStatus.BAD_REQUEST, "expected a KvRequest, got "
                        + request.getClass().getSimpleName()));
            }
        }

        @Override
        public Object timeout(Object request) {
            return KvResponse.refused(KvStatus.TIMEOUT, "no outcome within the request timeout");
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
