package io.shardkv.raft.server;

import io.shardkv.raft.node.NodeStatus;
import io.shardkv.rpc.PeerConnection;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.tls.RequiresRole;
import io.shardkv.rpc.tls.Role;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * Asks any replica for its {@link io.shardkv.raft.node.NodeStatus} (term, Raft role, leader,
 * indexes): answered by the {@link ReplicaServer} itself, whatever service it runs, without
 * touching the log.
 */
public record StatusRequest() implements RequiresRole {

    /**
     * The status of the replica at {@code address}, or empty if it does not answer within
     * {@code timeout}. {@code transport}'s codec must include the Raft wire types.
     */
    public static Optional<NodeStatus> ask(Transport transport, InetSocketAddress address, Duration timeout) {
        PeerConnection c = transport.connect(address);
        try {
            return Optional.of((NodeStatus) c.request(new StatusRequest(), timeout).get());
        } catch (ExecutionException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            c.close();
        }
    }

    @Override
    public Role requiredRole() {
        return Role.READONLY;
    }
}
