package io.shardkv.kv;

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

/**
 * Starts a replica of a single-group key/value service: a {@link ReplicaServer} running the
 * {@link KvStateMachine}, with {@link KvService} answering {@link KvRequest}s. Test scope: the
 * lab's key/value scenarios run on it ({@link KvServerCluster}); the store itself runs shard groups.
 */
final class KvServer {

    private KvServer() {
    }

    /** The codec of the key/value service's port: Raft messages and key/value requests. */
    static Codec codec() {
        return Codec.builder().install(new RaftWireTypes()).install(new KvWireTypes()).build();
    }

    static ReplicaServer start(ReplicaConfig config, EventLoops loops, ReplicaServer.LinkFilter links) throws IOException {
        return ReplicaServer.start(config, loops, codec(), new KvStateMachine(), (host, addressOf) -> {
            KvService service = new KvService(host, addressOf);
            return ReplicaServer.handlerFor(KvRequest.class, (request, reply) -> service.handle(request, reply::accept),
                    why -> KvResponse.refused(KvStatus.BAD_REQUEST, why),
                    () -> KvResponse.refused(KvStatus.TIMEOUT, "no outcome within the request timeout"),
                    () -> KvResponse.refused(KvStatus.SHUTTING_DOWN, "this replica is stopping"));
        }, links);
    }
}
