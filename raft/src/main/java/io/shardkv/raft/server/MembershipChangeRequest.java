package io.shardkv.raft.server;

import io.shardkv.raft.core.confchange.ConfChange;
import java.util.Objects;

/** Asks the leader to make a membership change and answer once it is committed. */
public record MembershipChangeRequest(ConfChange change) {

    public MembershipChangeRequest {
        Objects.requireNonNull(change, "change");
    }
}
