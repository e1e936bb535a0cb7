package io.shardkv.it;

import java.util.List;

/**
 * One replica process of the cluster under test: a controller replica ({@code gid == 0}) or a
 * shard-group replica, with a fixed address on the test network (its IP survives restarts and
 * reconnects, so clients on the host reach it directly) and the container running it.
 */
final class ClusterNode {

    private final String name;
    private final int gid;
    private final int replicaId;
    private final String ip;
    private final List<String> command;
    private String containerId;

    ClusterNode(String name, int gid, int replicaId, String ip, List<String> command) {
        this.name = name;
        this.gid = gid;
        this.replicaId = replicaId;
        this.ip = ip;
        this.command = List.copyOf(command);
    }

    /** The container name and its network alias, e.g. {@code ctrl-2} or {@code g1-r3}. */
    String name() {
        return name;
    }

    /** The shard group's id, 0 for a controller replica. */
    int gid() {
        return gid;
    }

    int replicaId() {
        return replicaId;
    }

    String ip() {
        return ip;
    }

    String address() {
        return ip + ":" + ContainerCluster.PORT;
    }

    List<String> command() {
        return command;
    }

    String containerId() {
        return containerId;
    }

    void containerId(String id) {
        this.containerId = id;
    }

    @Override
    public String toString() {
        return name;
    }
}
