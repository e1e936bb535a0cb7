package io.shardkv.rpc.migration;

import io.shardkv.rpc.tls.RequiresRole;
import io.shardkv.rpc.tls.Role;

/** Asks a shard-group replica which shards it holds and in which state: an operator's status view. */
public record ShardStatusRequest() implements RequiresRole {
    @Override
    public Role requiredRole() {
        return Role.READONLY;
    }
}
