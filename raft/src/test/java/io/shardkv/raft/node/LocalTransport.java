package io.shardkv.raft.node;

import io.shardkv.raft.core.Message;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** An in-process transport between nodes of one JVM, with links that tests can cut. */
final class LocalTransport implements RaftTransport {

    private final Map<Integer, RaftNode> nodes;
    private final Set<Integer> cut;

    LocalTransport(Map<Integer, RaftNode> nodes, Set<Integer> cut) {
        this.nodes = nodes;
        this.cut = cut;
    }

    static Set<Integer> newCutSet() {
        return ConcurrentHashMap.newKeySet();
    }

    @Override
    public void send(Message message) {
        RaftNode target = nodes.get(message.to());
        if (target != null && !cut.contains(message.to()) && !cut.contains(message.from())) {
            target.receive(message);
        }
    }
}
