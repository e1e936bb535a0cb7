package io.shardkv.raft.server;

import io.shardkv.raft.core.RaftConfig;
import io.shardkv.raft.node.NodeOptions;
import io.shardkv.raft.rsm.RsmOptions;
import io.shardkv.raft.storage.StorageOptions;
import io.shardkv.rpc.ConnectionLimits;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.Services;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.tls.TlsConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything one replica of a replicated service needs (see {@link ReplicaServer}).
 *
 * @param id             this replica's id in its group (>= 1)
 * @param peers          every replica of the group, this one included: id → address (one port
 *                       serves Raft peers and clients)
 * @param dataDir        where this replica's log, hard state and snapshots live
 * @param clusterId      must match the peers' and clients' (checked in every handshake)
 * @param storage        log segment size and fsync policy
 * @param rsm            snapshot threshold, session timeout
 * @param tick           Raft tick length; heartbeat and election timeouts are in ticks
 * @param heartbeatTicks ticks between leader heartbeats
 * @param electionTicks  base election timeout in ticks (the timeout is drawn from [1x, 2x))
 * @param requestTimeout a request without an outcome after this long is answered TIMEOUT
 * @param join           this replica joins a running group: it starts with no configuration and
 *                       learns it from the leader once a membership change adds it ({@code peers}
 *                       then names the members it may first hear from, not the group's voters)
 * @param limits         bounds on the connections the replica's port accepts
 * @param service        what the replica serves, announced in its handshakes (see {@link Services})
 * @param tls            mutual TLS on the replica's port and its outbound connections; empty for plain TCP
 * @param tokens         the file of tokens accepted from clients without a certificate (TLS only); empty for none
 */
public record ReplicaConfig(int id, Map<Integer, InetSocketAddress> peers, Path dataDir, String clusterId,
                             StorageOptions storage, RsmOptions rsm, Duration tick, int heartbeatTicks,
                             int electionTicks, Duration requestTimeout, boolean join, ConnectionLimits limits,
                             String service, Optional<TlsConfig> tls, Optional<Path> tokens) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);

    public ReplicaConfig {
        peers = Map.copyOf(peers);
        if (!peers.containsKey(id)) {
            throw new IllegalArgumentException("peers " + peers.keySet() + " must include this replica's id " + id);
        }
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(rsm, "rsm");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(tokens, "tokens");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
        }
    }

    /** Defaults for everything but identity and placement. */
    public static ReplicaConfig of(int id, Map<Integer, InetSocketAddress> peers, Path dataDir, String clusterId) {
        return new ReplicaConfig(id, peers, dataDir, clusterId, StorageOptions.DEFAULTS, RsmOptions.DEFAULTS,
                NodeOptions.DEFAULT_TICK, NodeOptions.DEFAULT_HEARTBEAT_TICKS, NodeOptions.DEFAULT_ELECTION_TICKS,
                DEFAULT_REQUEST_TIMEOUT, false, ConnectionLimits.DEFAULTS, Services.REPLICA, Optional.empty(),
                Optional.empty());
    }

    /** This configuration for a replica that joins a running group (see {@code join}). */
    public ReplicaConfig joining() {
        return new ReplicaConfig(id, peers, dataDir, clusterId, storage, rsm, tick, heartbeatTicks, electionTicks,
                requestTimeout, true, limits, service, tls, tokens);
    }

    public ReplicaConfig withRsm(RsmOptions options) {
        return new ReplicaConfig(id, peers, dataDir, clusterId, storage, options, tick, heartbeatTicks, electionTicks,
                requestTimeout, join, limits, service, tls, tokens);
    }

    public ReplicaConfig withStorage(StorageOptions options) {
        return new ReplicaConfig(id, peers, dataDir, clusterId, options, rsm, tick, heartbeatTicks, electionTicks,
                requestTimeout, join, limits, service, tls, tokens);
    }

    public ReplicaConfig withLimits(ConnectionLimits connectionLimits) {
        return new ReplicaConfig(id, peers, dataDir, clusterId, storage, rsm, tick, heartbeatTicks, electionTicks,
                requestTimeout, join, connectionLimits, service, tls, tokens);
    }

    public ReplicaConfig withService(String served) {
        return new ReplicaConfig(id, peers, dataDir, clusterId, storage, rsm, tick, heartbeatTicks, electionTicks,
                requestTimeout, join, limits, served, tls, tokens);
    }

    public ReplicaConfig withTls(Optional<TlsConfig> files) {
        return new ReplicaConfig(id, peers, dataDir, clusterId, storage, rsm, tick, heartbeatTicks, electionTicks,
                requestTimeout, join, limits, service, files, tokens);
    }

    public ReplicaConfig withTokens(Optional<Path> file) {
        return new ReplicaConfig(id, peers, dataDir, clusterId, storage, rsm, tick, heartbeatTicks, electionTicks,
                requestTimeout, join, limits, service, tls, file);
    }

    /** What every connection of this replica, accepted or made, shares: the cluster id and TLS. */
    public TransportConfig.Builder transportSettings() {
        return TransportConfig.builder(clusterId).tls(tls.orElse(null)).tokens(tokens.orElse(null));
    }

    public NodeOptions nodeOptions() {
        TreeMap<Integer, String> addresses = new TreeMap<>();
        peers.forEach((peer, address) -> addresses.put(peer, HostPort.format(address)));
        RaftConfig raft = RaftConfig.builder(id, join ? List.of() : new ArrayList<>(addresses.keySet()))
                .addresses(join ? Map.of() : addresses)
                .heartbeatTicks(heartbeatTicks)
                .electionTicks(electionTicks)
                .build();
        return new NodeOptions(raft, tick, NodeOptions.DEFAULT_INBOX_CAPACITY, NodeOptions.DEFAULT_MAX_BATCH);
    }
}
