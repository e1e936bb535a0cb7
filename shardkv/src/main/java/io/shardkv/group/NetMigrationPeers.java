package io.shardkv.group;

import io.shardkv.rpc.GroupClient;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ControllerClerk;
import io.shardkv.rpc.migration.DeleteShardRequest;
import io.shardkv.rpc.migration.DeleteShardResponse;
import io.shardkv.rpc.migration.MigrationReplies;
import io.shardkv.rpc.migration.PullShardRequest;
import io.shardkv.rpc.migration.PullShardResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MigrationPeers} over real sockets: a {@link ControllerClerk} for configurations and one
 * {@link GroupClient} per other group (by its server list, as configurations name it), each call
 * bounded by a deadline. Callbacks are handed to the node's thread.
 */
final class NetMigrationPeers implements MigrationPeers, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NetMigrationPeers.class);

    /** One server's time to answer: a pull reads and ships a chunk of up to 4 MiB. */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration RETRY_PAUSE = Duration.ofMillis(50);
    static final Duration DEADLINE = Duration.ofSeconds(10);

    private final Transport transport;
    private final ControllerClerk controller;
    private final Executor onNode;
    private final Map<List<String>, GroupClient> groups = new ConcurrentHashMap<>();

    NetMigrationPeers(Transport transport, List<InetSocketAddress> controllers, Executor onNode) {
        this.transport = transport;
        this.controller = new ControllerClerk(transport, controllers, DEADLINE);
        this.onNode = onNode;
    }

    @Override
    public void queryConfig(long num, Consumer<Config> done) {
        deliver(controller.query(num), done);
    }

    @Override
    public void pull(List<String> servers, PullShardRequest request, Consumer<PullShardResponse> done) {
        call(servers, request, MigrationReplies::pull, done);
    }

    @Override
    public void delete(List<String> servers, DeleteShardRequest request, Consumer<DeleteShardResponse> done) {
        call(servers, request, MigrationReplies::delete, done);
    }

    private <R> void call(List<String> servers, Object request, Function<Object, GroupClient.Step<R>> classify,
                          Consumer<R> done) {
        GroupClient group;
        try {
            group = groups.computeIfAbsent(servers, s -> GroupClient.of(transport, s, ATTEMPT_TIMEOUT, RETRY_PAUSE));
        } catch (IllegalArgumentException e) {
            LOG.error("cannot reach group {}: {}", servers, e.getMessage());
            onNode.execute(() -> done.accept(null));
            return;
        }
        deliver(group.call(request, DEADLINE, classify), done);
    }

    /** Hands the outcome to the node's thread; a failure (a timeout, a refusal) becomes null. */
    private <R> void deliver(CompletableFuture<R> call, Consumer<R> done) {
        call.whenComplete((value, error) -> {
            if (error != null) {
                LOG.debug("migration call failed: {}", error.toString());
            }
            onNode.execute(() -> done.accept(error == null ? value : null));
        });
    }

    @Override
    public void close() {
        groups.values().forEach(GroupClient::close);
        controller.close();
    }
}
