package io.shardkv.cli;

import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.PeerConnection;
import io.shardkv.rpc.PermissionDeniedException;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.codec.Codec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a tool asks the replicas of a Raft group: one request at a time, each answered or given up
 * on within its timeout, over connections kept until the tool closes this; the leader first.
 */
final class ReplicaAsker implements AutoCloseable {

    private final Transport transport;
    private final Map<String, PeerConnection> connections = new HashMap<>();

    ReplicaAsker(TransportConfig settings, Codec codec) {
        this.transport = Transport.create(settings, codec);
    }

    /** The answer, or empty if there was none in time (unreachable, a bad address, a dropped connection). */
    Optional<Object> ask(String address, Object request, Duration timeout) {
        PeerConnection c;
        try {
            c = connections.computeIfAbsent(address, a -> transport.connect(HostPort.parse(a)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(c.request(request, timeout).get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PermissionDeniedException denied) {
                throw new IllegalStateException(address + " refused: " + denied.getMessage());
            }
            return Optional.empty();
        } catch (TimeoutException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** The order to ask in: {@code leader} first, if known, then every other address. */
    static List<String> candidates(String leader, Collection<String> addresses) {
        List<String> out = new ArrayList<>();
        if (leader != null) {
            out.add(leader);
        }
        addresses.stream().filter(a -> !a.equals(leader)).forEach(out::add);
        return out;
    }

    /** Waits, on a timer, between rounds of asking while a group elects a leader or finishes some work. */
    static void pause(long millis) {
        try {
            CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the pause timer failed", e.getCause());
        }
    }

    @Override
    public void close() {
        connections.values().forEach(PeerConnection::close);
        transport.close();
    }
}
