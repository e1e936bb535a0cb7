package io.shardkv.rpc.ctrler;

import io.shardkv.rpc.ClientSession;
import io.shardkv.rpc.GroupClient;
import io.shardkv.rpc.Services;
import io.shardkv.rpc.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Talks to the shard controller group for admins, shard groups and clients: finds the leader
 * (following hints), retries, and makes every change exactly-once through a session (a random
 * client id and a seq per change, repeated on every retry). Thread-safe and non-blocking; many
 * calls may be outstanding.
 */
public final class ControllerClerk implements AutoCloseable {

    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(50);

    private final GroupClient group;
    private final ClientSession session = new ClientSession();
    private final Duration deadline;

    public ControllerClerk(Transport transport, List<InetSocketAddress> controllers) {
        this(transport, controllers, DEFAULT_DEADLINE);
    }

    /** @param deadline how long one call keeps trying before it fails with a TimeoutException */
    public ControllerClerk(Transport transport, List<InetSocketAddress> controllers, Duration deadline) {
        this.group = new GroupClient(transport, controllers, ATTEMPT_TIMEOUT, RETRY_PAUSE, Services.CONTROLLER);
        this.deadline = deadline;
    }

    /** Configuration {@code num}; -1 (or a number past the end) for the latest. */
    public CompletableFuture<Config> query(long num) {
        return send(CtrlerRequest.query(session.clientId(), num));
    }

    /** Adds groups; the new configuration rebalances shards onto them. */
    public CompletableFuture<Config> join(Map<Integer, List<String>> groups) {
        long seq = session.begin();
        return write(seq, CtrlerRequest.join(session.clientId(), seq, session.lowestUnacked(), groups));
    }

    /** Removes groups; their shards move to the remaining groups. */
    public CompletableFuture<Config> leave(List<Integer> gids) {
        long seq = session.begin();
        return write(seq, CtrlerRequest.leave(session.clientId(), seq, session.lowestUnacked(), gids));
    }

    /**
     * Records new servers for groups that have joined (after a change of their Raft membership), so
     * clients find them; no shard moves.
     */
    public CompletableFuture<Config> setServers(Map<Integer, List<String>> groups) {
        long seq = session.begin();
        return write(seq, CtrlerRequest.servers(session.clientId(), seq, session.lowestUnacked(), groups));
    }

    /** Assigns {@code shard} to {@code gid} until the next join or leave. */
    public CompletableFuture<Config> move(int shard, int gid) {
        long seq = session.begin();
        return write(seq, CtrlerRequest.move(session.clientId(), seq, session.lowestUnacked(), shard, gid));
    }

    private CompletableFuture<Config> write(long seq, CtrlerRequest request) {
        return send(request).whenComplete((config, error) -> session.end(seq));
    }

    private CompletableFuture<Config> send(CtrlerRequest request) {
        return group.call(request, deadline, ControllerClerk::classify);
    }

    /** What a controller's answer means for a call: done, follow the hint, try another, or give up. */
    public static GroupClient.Step<Config> classify(Object response) {
        if (!(response instanceof CtrlerResponse r)) {
            return new GroupClient.Retry<>();
        }
        return switch (r.status()) {
            case OK -> new GroupClient.Done<>(r.config());
            case WRONG_LEADER -> r.leaderHint() == null ? new GroupClient.Retry<>()
                    : new GroupClient.Redirect<>(r.leaderHint());
            case TIMEOUT, SHUTTING_DOWN -> new GroupClient.Retry<>();
            case BAD_REQUEST, SESSION_EXPIRED -> new GroupClient.Fail<>(new ControllerException(r.status(),
                    r.message()));
        };
    }

    @Override
    public void close() {
        group.close();
    }
}
