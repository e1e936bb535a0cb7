package io.shardkv.rpc.redis;

import io.shardkv.rpc.tls.RequiresRole;
import io.shardkv.rpc.tls.Role;

/**
 * Asks a shard-group replica where it serves the Redis protocol and whether it leads its group:
 * what a replica's RESP front end needs to redirect a Redis client ({@code MOVED}) and to describe
 * the cluster ({@code CLUSTER SLOTS}).
 */
public record RedisEndpointRequest() implements RequiresRole {
    @Override
    public Role requiredRole() {
        return Role.READONLY;
    }
}
