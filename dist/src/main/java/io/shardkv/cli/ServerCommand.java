package io.shardkv.cli;

import io.shardkv.group.MigrationDriver;
import io.shardkv.group.ShardGroupServer;
import io.shardkv.group.engine.EngineSettings;
import io.shardkv.redis.RedisServer;
import io.shardkv.redis.resp.RespLimits;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.TransportConfig;
import java.net.InetSocketAddress;
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

    @Option(names = "--redis-port", defaultValue = "0", paramLabel = "PORT",
            description = {"Serve Redis clients (RESP2 and RESP3, Redis Cluster redirects) on this port; 0 for none.",
                "With TLS on, the port has TLS too: certificates give roles, as do tokens (AUTH). Default: ${DEFAULT-VALUE}."})
    int redisPort;

    @Option(names = "--redis-address", defaultValue = "0.0.0.0", paramLabel = "ADDRESS",
            description = "The address the Redis port binds to. Default: ${DEFAULT-VALUE}.")
    String redisAddress;

    @Option(names = "--redis-announce", paramLabel = "HOST:PORT",
            description = {"Where Redis clients reach this replica, for redirects and CLUSTER SLOTS (behind NAT or a",
                "port mapping). Default: this replica's --peers host with --redis-port."})
    String redisAnnounce;

    @Option(names = "--redis-max-connections", defaultValue = "10000", paramLabel = "N",
            description = "Redis clients at a time; more are told so and closed. Default: ${DEFAULT-VALUE}.")
    int redisMaxConnections;

    @Option(names = "--redis-max-incomplete-bytes", defaultValue = "256m", paramLabel = "SIZE",
            description = {"Bytes all Redis connections together may hold for commands not yet fully received; the",
                "connection that would pass it is answered a protocol error and closed. Default: ${DEFAULT-VALUE}."})
    ByteSize redisMaxIncompleteBytes;

    @Option(names = "--engine", defaultValue = "memory", paramLabel = "ENGINE",
            description = {"Where the replica keeps its shards' data: memory (the Java heap, bounded by -Xmx) or",
                "rocksdb (RocksDB in DATA_DIR/engine, bounded by the disk). Either way the state is rebuilt from the",
                "Raft snapshot and log at start. Default: ${DEFAULT-VALUE}."})
    String engine;

    @Option(names = "--engine-block-cache", defaultValue = "256m", paramLabel = "SIZE",
            description = "rocksdb: native memory for cached table blocks, their indexes and filters. Default: ${DEFAULT-VALUE}.")
    ByteSize engineBlockCache;

    @Option(names = "--engine-write-buffer", defaultValue = "64m", paramLabel = "SIZE",
            description = {"rocksdb: one memtable of writes not yet in table files; at most two are held (at least 1m).",
                "Default: ${DEFAULT-VALUE}."})
    ByteSize engineWriteBuffer;

    @Option(names = "--migration-rate", defaultValue = "32m", paramLabel = "SIZE",
            description = {"Bytes per second this replica pulls at most, while it leads, of shards it gains from other",
                "groups (all shards together), so that shards that do not move keep their latency; 0 for no limit.",
                "Default: ${DEFAULT-VALUE}."})
    ByteSize migrationRate;

    @Override
    public Integer call() throws Exception {
        var config = replica.replicaConfig();
        var settings = new ShardGroupServer.Settings(gid, replica.shards,
                Peers.list(controllers).stream().map(HostPort::parse).toList(),
                MigrationDriver.Options.DEFAULTS.withRate(migrationRate.bytes()))
                .withEngine(engineSettings());
        if (redisPort != 0) {
            settings = settings.withRedis(redis());
        }
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

    private EngineSettings engineSettings() {
        EngineSettings kind = switch (engine) {
            case "memory" -> EngineSettings.MEMORY;
            case "rocksdb" -> EngineSettings.ROCKSDB;
            default -> throw new IllegalArgumentException("--engine must be memory or rocksdb, got \"" + engine + "\"");
        };
        if (engineBlockCache.bytes() < EngineSettings.MIN_BLOCK_CACHE_BYTES) {
            throw new IllegalArgumentException("--engine-block-cache must be at least 1m, got " + engineBlockCache.bytes()
                    + " bytes");
        }
        if (engineWriteBuffer.bytes() < EngineSettings.MIN_WRITE_BUFFER_BYTES) {
            throw new IllegalArgumentException("--engine-write-buffer must be at least 1m, got " + engineWriteBuffer.bytes()
                    + " bytes");
        }
        return kind.withMemory(engineBlockCache.bytes(), engineWriteBuffer.bytes());
    }

    private ShardGroupServer.Redis redis() {
        if (redisPort < 0 || redisPort > 65_535) {
            throw new IllegalArgumentException("--redis-port must be 0 to 65535, got " + redisPort);
        }
        if (redisMaxConnections < 1) {
            throw new IllegalArgumentException("--redis-max-connections must be at least 1, got " + redisMaxConnections);
        }
        if (redisMaxIncompleteBytes.bytes() < RespLimits.DEFAULTS.maxCommandBytes()) {
            throw new IllegalArgumentException("--redis-max-incomplete-bytes must hold one command of the largest size, "
                    + RespLimits.DEFAULTS.maxCommandBytes() + " bytes; got " + redisMaxIncompleteBytes.bytes());
        }
        if (redisAnnounce != null) {
            HostPort.parse(redisAnnounce);
        }
        return new ShardGroupServer.Redis(new InetSocketAddress(redisAddress, redisPort), redisAnnounce,
                new RedisServer.Options(redisMaxConnections, redisMaxIncompleteBytes.bytes(), RespLimits.DEFAULTS,
                        BuildInfo.version()));
    }
}
