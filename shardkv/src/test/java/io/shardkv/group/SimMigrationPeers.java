package io.shardkv.group;

import io.shardkv.raft.sim.SimGroupClient;
import io.shardkv.raft.sim.SimNode;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ControllerClerk;
import io.shardkv.rpc.ctrler.CtrlerRequest;
import io.shardkv.rpc.migration.DeleteShardRequest;
import io.shardkv.rpc.migration.DeleteShardResponse;
import io.shardkv.rpc.migration.MigrationReplies;
import io.shardkv.rpc.migration.PullShardRequest;
import io.shardkv.rpc.migration.PullShardResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@link MigrationPeers} over the simulated network, from a node's own endpoint, with the same
 * retry classification as the real server's. Callbacks are handed to the node's thread.
 */
final class SimMigrationPeers implements MigrationPeers {

    static final long ATTEMPT_MICROS = 300_000;
    static final long RETRY_PAUSE_MICROS = 100_000;
    static final long DEADLINE_MICROS = 2_000_000;

    private final SimNode node;
    private final SimGroupClient controller;
    private final Map<List<String>, SimGroupClient> groups = new HashMap<>();

    SimMigrationPeers(SimNode node, List<Integer> controllers) {
        this.node = node;
        this.controller = node.client(controllers, ATTEMPT_MICROS, RETRY_PAUSE_MICROS);
    }

    @Override
    public void queryConfig(long num, Consumer<Config> done) {
        controller.call(CtrlerRequest.query(node.id(), num), DEADLINE_MICROS, ControllerClerk::classify,
                config -> node.execute(() -> done.accept(config)), error -> node.execute(() -> done.accept(null)));
    }

    @Override
    public void pull(List<String> servers, PullShardRequest request, Consumer<PullShardResponse> done) {
        group(servers).call(request, DEADLINE_MICROS, MigrationReplies::pull,
                r -> node.execute(() -> done.accept(r)), error -> node.execute(() -> done.accept(null)));
    }

    @Override
    public void delete(List<String> servers, DeleteShardRequest request, Consumer<DeleteShardResponse> done) {
        group(servers).call(request, DEADLINE_MICROS, MigrationReplies::delete,
                r -> node.execute(() -> done.accept(r)), error -> node.execute(() -> done.accept(null)));
    }

    private SimGroupClient group(List<String> servers) {
        return groups.computeIfAbsent(servers, s -> node.client(
                s.stream().map(SimGroupClient::endpointOf).toList(), ATTEMPT_MICROS, RETRY_PAUSE_MICROS)
                .learningHintedServers());
    }
}
