package io.shardkv.cli;

import io.shardkv.group.MigrationDriver;
import io.shardkv.group.ShardGroupServer;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.TransportConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shardkv server}: runs one replica of a shard group until SIGTERM. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Run one replica of a shard group until stopped.",
            "SIGTERM: new requests are sent elsewhere, those in flight finish, then storage closes.",
            "Flags may come from a file: server @FILE."})
final class ServerCommand implements Callable<Integer> {

    @Mixin
    ReplicaOptions replica;

    @Option(names = "--gid", required = true, description = "The group's id (positive), as joined at the controller.")
    int gid;

    @Option(names = "--controllers", required = true, paramLabel = "HOST:PORT,...",
            description = "The controller replicas' addresses.")
    String controllers;

    @Override
    public Integer call() throws Exception {
        var config = replica.replicaConfig();
        var settings = new ShardGroupServer.Settings(gid, replica.shards,
                Peers.list(controllers).stream().map(HostPort::parse).toList(), MigrationDriver.Options.DEFAULTS);
        EventLoops loops = EventLoops.create(TransportConfig.builder(config.clusterId()).build());
        ShardGroupServer server = ShardGroupServer.start(config, settings, loops);
        OpsServer metrics = replica.metricsPort == 0 ? null : OpsServer.start(replica.metricsAddress(), replica.metricsPort,
                ServerMetrics.registry("server", gid, server.replica(), server), new Probes(server.replica()));
        return Serving.untilStopped("group " + gid + " replica " + config.id(), server.address(), server.failure(), () -> {
            if (metrics != null) {
                metrics.close();
            }
            server.close();
            loops.close();
        });
    }
}
