package io.shardkv.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Redis node ids (40 hex characters) for shardkv replicas: derived from the cluster, the group and
 * the replica's Raft id, so a replica keeps its id across restarts and address changes, and every
 * replica names every other alike.
 */
public final class RedisNodeIds {

    private RedisNodeIds() {
    }

    public static String of(String clusterId, int gid, int replicaId) {
        return sha1(clusterId + "/" + gid + "/" + replicaId);
    }

    /** The id of a replica known only by its cluster address (one that did not answer). */
    public static String of(String clusterId, int gid, String clusterAddress) {
        return sha1(clusterId + "/" + gid + "/" + clusterAddress);
    }

    private static String sha1(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
