package io.shardkv.group;

import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.migration.DeleteShardRequest;
import io.shardkv.rpc.migration.DeleteShardResponse;
import io.shardkv.rpc.migration.PullShardRequest;
import io.shardkv.rpc.migration.PullShardResponse;
import java.util.List;
import java.util.function.Consumer;

/**
 * The {@link MigrationDriver}'s way out: the controller and other groups. The seam between the
 * sans-I/O driver and a transport (real sockets, or the simulator's network). Each call retries
 * within its own deadline, then gives {@code null}; every callback runs on the node's thread.
 */
interface MigrationPeers {

    /** Configuration {@code num} (or the latest, if the controller has none that new). */
    void queryConfig(long num, Consumer<Config> done);

    /** Sends a pull to any of {@code servers} (a group's replicas, {@code host:port}). */
    void pull(List<String> servers, PullShardRequest request, Consumer<PullShardResponse> done);

    /** Sends a delete to the leader of {@code servers}. */
    void delete(List<String> servers, DeleteShardRequest request, Consumer<DeleteShardResponse> done);
}
