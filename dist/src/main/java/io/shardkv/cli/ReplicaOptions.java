package io.shardkv.cli;

import io.shardkv.raft.rsm.RsmOptions;
import io.shardkv.raft.server.ReplicaConfig;
import io.shardkv.raft.storage.FsyncPolicy;
import io.shardkv.raft.storage.StorageOptions;
import io.shardkv.rpc.ConnectionLimits;
import io.shardkv.rpc.ctrler.Shards;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What every replica process (controller or shard group) is started with. */
final class ReplicaOptions {

    @Option(names = "--id", required = true, paramLabel = "ID|auto",
            description = {"This replica's id in its group (1, 2, ...), or auto: one more than the number ending the",
                "host name (StatefulSet pods name-0, name-1, ... get 1, 2, ...)."})
    String id;

    @Option(names = "--peers", required = true, paramLabel = "ID=HOST:PORT,...",
            description = "Every replica of the group, this one included; this one listens on its own address.")
    String peers;

    @Option(names = "--data-dir", required = true, description = "Directory of this replica's log and snapshots (created if missing).")
    Path dataDir;

    @Option(names = "--cluster-id", defaultValue = "shardkv",
            description = "Name shared by every process of one cluster; connections between clusters are refused. Default: ${DEFAULT-VALUE}.")
    String clusterId;

    @Option(names = "--shards", defaultValue = "64",
            description = "Number of shards of the cluster: the same on every process, fixed for its life. Default: ${DEFAULT-VALUE}.")
    int shards;

    @Option(names = "--snapshot-bytes", defaultValue = "64m", paramLabel = "SIZE",
            description = "Take a snapshot after this much log was applied (bytes, or 64k, 64m, 1g); 0 never. Default: ${DEFAULT-VALUE}.")
    ByteSize snapshotBytes;

    @Option(names = "--log-format", defaultValue = "text",
            description = "text: a line per event; json: a JSON object per line. Default: ${DEFAULT-VALUE}.")
    LogFormat logFormat;

    @Option(names = "--fsync", defaultValue = "ALWAYS",
            description = "ALWAYS: every acknowledged write is on disk; NEVER: faster, UNSAFE on machine crashes (tests only). Default: ${DEFAULT-VALUE}.")
    FsyncPolicy fsync;

    @Option(names = "--join", description = {"Join a running group: start with no configuration and wait until",
        "`admin member add` or `admin replace` adds this replica; --peers then names the running replicas and this one.",
        "Needed only until the replica has heard from the leader once."})
    boolean join;

    @Option(names = "--metrics-port", defaultValue = "0",
            description = {"Serve http://0.0.0.0:PORT/metrics (Prometheus), /livez and /readyz (probes); 0 for none.",
                "Default: ${DEFAULT-VALUE}."})
    int metricsPort;

    @Option(names = "--metrics-address", defaultValue = "0.0.0.0", paramLabel = "ADDRESS",
            description = {"The address the operations port binds to: 0.0.0.0 for every interface, 127.0.0.1 for this host",
                "only. Default: ${DEFAULT-VALUE}."})
    String metricsAddress;

    @Option(names = "--max-connections", defaultValue = "" + ConnectionLimits.DEFAULT_MAX_CONNECTIONS, paramLabel = "N",
            description = {"Connections the replica's port accepts at once (peers and clients); more are refused, saying so.",
                "Default: ${DEFAULT-VALUE}."})
    int maxConnections;

    @Option(names = "--max-connections-per-address", defaultValue = "" + ConnectionLimits.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
            paramLabel = "N", description = "The same bound for the connections from one IP address. Default: ${DEFAULT-VALUE}.")
    int maxConnectionsPerAddress;

    @Option(names = "--client-idle-timeout", defaultValue = "5m", paramLabel = "DURATION",
            description = {"Close a client's connection after this long without a complete request or an answer",
                "(clients reconnect when they next need it). Default: ${DEFAULT-VALUE}."})
    String clientIdleTimeout;

    @Option(names = "--max-incomplete-frame-bytes", defaultValue = "256m", paramLabel = "SIZE",
            description = {"Bytes all connections together may buffer for requests not yet fully received; the connection",
                "that would pass it is closed. Default: ${DEFAULT-VALUE}."})
    ByteSize maxIncompleteFrameBytes;

    @Option(names = "--max-requests-per-connection", defaultValue = "" + ConnectionLimits.DEFAULT_MAX_REQUESTS_PER_CONNECTION,
            paramLabel = "N", description = {"Unanswered requests one connection may have; at the limit the replica stops",
                "reading it until answers go out. Default: ${DEFAULT-VALUE}."})
    int maxRequestsPerConnection;

    @Mixin
    TlsOptions tls;

    @Option(names = "--tokens", paramLabel = "FILE",
            description = {"Also accept clients without a certificate that present a token listed in FILE",
                "(bin/shardkv certs token writes it; edits take effect within a second). Needs TLS."})
    Path tokens;

    /** The operations port's address, if it is one of this host's. */
    InetAddress metricsAddress() {
        try {
            return InetAddress.getByName(metricsAddress);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--metrics-address \"" + metricsAddress + "\" is not an address or a known"
                    + " host name");
        }
    }

    private Optional<Path> tokenFile() {
        if (tokens == null) {
            return Optional.empty();
        }
        if (tls.config().isEmpty()) {
            throw new IllegalArgumentException("--tokens needs TLS (--tls-cert, --tls-key, --tls-ca): without it a token"
                    + " would cross the network in clear");
        }
        TlsOptions.readable(tokens);
        return Optional.of(tokens);
    }

    /** The connection limits the flags ask for; an IllegalArgumentException naming the flag if one is out of range. */
    ConnectionLimits connectionLimits() {
        return new ConnectionLimits(maxConnections, maxConnectionsPerAddress,
                Durations.parse(clientIdleTimeout, "--client-idle-timeout"), maxIncompleteFrameBytes.bytes(),
                maxRequestsPerConnection);
    }

    int replicaId() {
        if (id.equals("auto")) {
            String host = hostName();
            Matcher m = Pattern.compile("-(\\d+)$").matcher(host);
            if (!m.find()) {
                throw new IllegalArgumentException("--id auto needs a host name ending in -N, but it is \"" + host + "\"");
            }
            return Integer.parseInt(m.group(1)) + 1;
        }
        try {
            int n = Integer.parseInt(id);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--id wants a replica id from 1, or auto, got \"" + id + "\"");
        }
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--id auto: cannot tell this host's name: " + e.getMessage());
        }
    }

    ReplicaConfig replicaConfig() {
        if (metricsPort < 0 || metricsPort > 65_535) {
            throw new IllegalArgumentException("--metrics-port must be 0 to 65535, got " + metricsPort);
        }
        // Checked before the replica starts, not when the operations port opens after it.
        metricsAddress();
        if (Shards.invalidCount(shards) != null) {
            throw new IllegalArgumentException("--shards: " + Shards.invalidCount(shards));
        }
        int replica = replicaId();
        Map<Integer, InetSocketAddress> members = Peers.byId(peers);
        if (!members.containsKey(replica)) {
            throw new IllegalArgumentException("--peers does not list this replica's id " + replica);
        }
        ReplicaConfig config = ReplicaConfig.of(replica, members, dataDir, clusterId)
                .withRsm(RsmOptions.DEFAULTS.withSnapshotThreshold(snapshotBytes.bytes()))
                .withStorage(StorageOptions.DEFAULTS.withFsync(fsync))
                .withLimits(connectionLimits())
                .withTls(tls.config())
                .withTokens(tokenFile());
        return join ? config.joining() : config;
    }
}
