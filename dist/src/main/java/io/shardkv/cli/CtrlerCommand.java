package io.shardkv.cli;

import io.shardkv.ctrler.ControllerServer;
import io.shardkv.raft.server.ReplicaServer;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.TransportConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code shardkv ctrler}: runs one replica of the shard controller until SIGTERM. */
@Command(name = "ctrler", mixinStandardHelpOptions = true,
        description = {"Run one replica of the shard controller group until stopped.",
            "SIGTERM: new requests are sent elsewhere, those in flight finish, then storage closes.",
            "Flags may come from a file: ctrler @FILE."})
final class CtrlerCommand implements Callable<Integer> {

    @Mixin
    ReplicaOptions replica;

    @Override
    public Integer call() throws Exception {
        var config = replica.replicaConfig();
        EventLoops loops = EventLoops.create(TransportConfig.builder(config.clusterId()).build());
        ReplicaServer server = ControllerServer.start(config, replica.shards, loops);
        OpsServer metrics = replica.metricsPort == 0 ? null : OpsServer.start(replica.metricsAddress(), replica.metricsPort,
                ServerMetrics.registry("ctrler", 0, server, null), new Probes(server));
        return Serving.untilStopped("controller replica " + config.id(), server.address(), server.failure(), () -> {
            if (metrics != null) {
                metrics.close();
            }
            server.close();
            loops.close();
        });
    }
}
