package io.shardkv.cli;

import io.shardkv.client.ClientConfig;
import io.shardkv.rpc.PermissionDeniedException;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ControllerClerk;
import io.shardkv.rpc.ctrler.CtrlerWireTypes;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** A tool's conversation with the controller: a clerk on a transport of its own, closed together. */
final class ControllerSession implements AutoCloseable {

    private final Transport transport;
    private final ControllerClerk clerk;

    ControllerSession(TransportConfig settings, List<InetSocketAddress> controllers, Duration timeout) {
        this.transport = Transport.create(settings,
                Codec.builder().install(new CtrlerWireTypes()).build());
        this.clerk = new ControllerClerk(transport, controllers, timeout);
    }

    ControllerClerk clerk() {
        return clerk;
    }

    /** The latest configuration of the cluster {@code c} names; a controller that does not answer in time is an error. */
    static Config latest(ClientConfig c) throws InterruptedException {
        try (ControllerSession session = new ControllerSession(c.transportConfig(), c.controllers(), c.callTimeout())) {
            return session.clerk().query(-1).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PermissionDeniedException) {
                throw new IllegalStateException("the controller refused: " + Main.oneLine(e.getCause()));
            }
            throw new IllegalStateException("the controller did not answer within " + c.callTimeout().toMillis()
                    + " ms: " + Main.oneLine(e.getCause()));
        }
    }

    /**
     * Joins those of {@code groups} the latest configuration does not have; groups already joined
     * are left as they are, so a start script or an init job may run again.
     */
    CompletableFuture<Config> joinMissing(Map<Integer, List<String>> groups) {
        return clerk.query(-1).thenCompose(latest -> {
            Map<Integer, List<String>> missing = new LinkedHashMap<>(groups);
            missing.keySet().removeAll(latest.groups().keySet());
            return missing.isEmpty() ? CompletableFuture.completedFuture(latest) : clerk.join(missing);
        });
    }

    @Override
    public void close() {
        clerk.close();
        transport.close();
    }
}
