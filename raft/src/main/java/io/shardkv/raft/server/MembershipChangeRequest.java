package io.shardkv.raft.server;

import io.shardkv.raft.core.confchange.ConfChange;
import io.shardkv.rpc.tls.RequiresRole;
import io.shardkv.rpc.tls.Role;
import java.util.Objects;

/** Asks the leader to make a membership change and answer once it is committed. */
public record MembershipChangeRequest(ConfChange change) implements RequiresRole {

    public MembershipChangeRequest {
        Objects.requireNonNull(change, "change");
    }

    @Override
    public Role requiredRole() {
        return Role.ADMIN;
    }
}
