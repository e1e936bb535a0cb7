package io.shardkv.bench.store;

import io.shardkv.cli.ClusterTarget;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which system the bench drives and how it connects. */
public final class TargetOptions {

    /** The stores the bench can drive. */
    public enum Store { shardkv, etcd }

    @Option(names = "--target", defaultValue = "shardkv", paramLabel = "SYSTEM",
            description = "The system under load: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    Store system;

    @Mixin
    ClusterTarget cluster;

    @Option(names = "--endpoints", paramLabel = "HOST:PORT,...",
            description = "etcd's client URLs (--target etcd), e.g. 127.0.0.1:2379,127.0.0.1:22379.")
    String endpoints;

    @Option(names = "--conns", defaultValue = "1", paramLabel = "N",
            description = "Client instances the load is spread over, each with its own connections "
                    + "(and, for shardkv, its own session). Default: ${DEFAULT-VALUE}.")
    int connections;

    /** For picocli, which fills the fields from the command line. */
    public TargetOptions() {
    }

    private TargetOptions(Store system, ClusterTarget cluster, String endpoints, int connections) {
        this.system = system;
        this.cluster = cluster;
        this.endpoints = endpoints;
        this.connections = connections;
    }

    /** shardkv at {@code cluster}, over {@code connections} clients. */
    public static TargetOptions shardkv(ClusterTarget cluster, int connections) {
        return new TargetOptions(Store.shardkv, cluster, null, connections);
    }

    /** etcd at {@code endpoints} (comma-separated), over {@code connections} clients. */
    public static TargetOptions etcd(String endpoints, int connections) {
        return new TargetOptions(Store.etcd, null, endpoints, connections);
    }

    /** Connects to the system these options name. */
    public Target open() throws IOException {
        if (connections < 1) {
            throw new IllegalArgumentException("--conns must be at least 1, got " + connections);
        }
        return switch (system) {
            case shardkv -> {
                if (endpoints != null) {
                    throw new IllegalArgumentException("--endpoints is for --target etcd; name a shardkv cluster with --ctrl or --dir");
                }
                yield new ShardKvTarget(cluster.clientConfig(), connections);
            }
            case etcd -> {
                if (endpoints == null || endpoints.isBlank()) {
                    throw new IllegalArgumentException("--target etcd needs --endpoints HOST:PORT,...");
                }
                List<String> list = Arrays.stream(endpoints.split(",")).map(String::trim).filter(e -> !e.isEmpty()).toList();
                yield new EtcdTarget(list, connections);
            }
        };
    }

    /** The system's name, for reports. */
    public String systemName() {
        return system.name();
    }
}
