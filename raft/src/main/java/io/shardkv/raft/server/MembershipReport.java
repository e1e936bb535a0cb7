package io.shardkv.raft.server;

import io.shardkv.raft.core.ReplicationProgress;
import io.shardkv.raft.core.tracker.MembershipConfig;
import java.util.List;
import java.util.Objects;

/**
 * A replica's answer to {@link MembershipRequest}.
 *
 * @param replica       who answers
 * @param leader        the leader it knows of (0: none)
 * @param leaderAddress where that leader is reached, or null if not known
 * @param config        the configuration it acts under
 * @param index         the index of that configuration's entry
 * @param committed     whether it knows that entry is committed
 * @param lastIndex     its last log index
 * @param progress      the members' progress, if it leads (empty otherwise)
 */
public record MembershipReport(int replica, int leader, String leaderAddress, MembershipConfig config, long index,
                               boolean committed, long lastIndex, List<ReplicationProgress> progress) {

    public MembershipReport {
        Objects.requireNonNull(config, "config");
        progress = List.copyOf(progress);
    }
}
