package io.shardkv.rpc.ctrler;

import io.shardkv.rpc.GroupClient;
import io.shardkv.rpc.Transport;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

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
    private final long clientId = new SecureRandom().nextLong();
    private final AtomicLong nextSeq = new AtomicLong(1);
    private final NavigableSet<Long> outstanding = new ConcurrentSkipListSet<>();
    private final Duration deadline;

    public ControllerClerk(Transport transport, List<InetSocketAddress> controllers) {
        this(transport, controllers, DEFAULT_DEADLINE);
    }

    /** @param deadline how long one call keeps trying before it fails with a TimeoutException */
    public ControllerClerk(Transport transport, List<InetSocketAddress> controllers, Duration deadline) {
        this.group = new GroupClient(transport, controllers, ATTEMPT_TIMEOUT, RETRY_PAUSE);
        this.deadline = deadline;
    }

    /** Configuration {@code num}; -1 (or a number past the end) for the latest. */
    public CompletableFuture<Config> query(long num) {
        return send(CtrlerRequest.query(clientId, num));
    }

    /** Adds groups; the new configuration rebalances shards onto them. */
    public CompletableFuture<Config> join(Map<Integer, List<String>> groups) {
        long seq = nextSeq.getAndIncrement();
        return session(seq, CtrlerRequest.join(clientId, seq, lowestUnacked(seq), groups));
    }

    /** Removes groups; their shards move to the remaining groups. */
    public CompletableFuture<Config> leave(List<Integer> gids) {
        long seq = nextSeq.getAndIncrement();
        return session(seq, CtrlerRequest.leave(clientId, seq, lowestUnacked(seq), gids));
    }

    /** Assigns {@code shard} to {@code gid} until the next join or leave. */
    public CompletableFuture<Config> move(int shard, int gid) {
        long seq = nextSeq.getAndIncrement();
        return session(seq, CtrlerRequest.move(clientId, seq, lowestUnacked(seq), shard, gid));
    }

    /** The lowest seq whose reply has not arrived, counting {@code seq} itself as outstanding. */
    private long lowestUnacked(long seq) {
        outstanding.add(seq);
        return outstanding.first();
    }

    private CompletableFuture<Config> session(long seq, CtrlerRequest request) {
        return send(request).whenComplete((config, error) -> outstanding.remove(seq));
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
