package io.shardkv.cli;

import io.shardkv.raft.core.confchange.ConfChange;
import io.shardkv.raft.core.tracker.MembershipConfig;
import io.shardkv.raft.server.AdminReply;
import io.shardkv.raft.server.LeaderTransferRequest;
import io.shardkv.raft.server.MembershipChangeRequest;
import io.shardkv.raft.server.MembershipReport;
import io.shardkv.raft.server.MembershipRequest;
import io.shardkv.raft.transport.RaftWireTypes;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.codec.Codec;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A tool's conversation with one Raft group's replicas (a shard group's or the controller's): who
 * its members are and how far behind, membership changes and leadership transfers, sent to the
 * leader — found by asking the replicas given and following their hints.
 */
final class GroupAdmin implements AutoCloseable {

    /** Pause between attempts while the group elects a leader or finishes another change. */
    private static final long RETRY_PAUSE_MILLIS = 200;

    private final ReplicaAsker asker;
    private final Set<String> addresses = new LinkedHashSet<>();
    private final Duration timeout;
    private String leader;

    GroupAdmin(TransportConfig settings, List<String> replicas, Duration timeout) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("no replica addresses to ask");
        }
        this.asker = new ReplicaAsker(settings, Codec.builder().install(new RaftWireTypes()).build());
        this.addresses.addAll(replicas);
        this.timeout = timeout;
    }

    /** The leader's report (with every member's progress), or any replica's if none leads within the timeout. */
    MembershipReport report() {
        long deadline = System.nanoTime() + timeout.toNanos();
        MembershipReport any = null;
        while (true) {
            for (String a : candidates()) {
                Optional<Object> answer = ask(a, new MembershipRequest());
                if (answer.isPresent() && answer.get() instanceof MembershipReport r) {
                    any = r;
                    r.config().addresses().values().forEach(addresses::add);
                    if (r.leader() == r.replica()) {
                        leader = a;
                        return r;
                    }
                    if (r.leaderAddress() != null) {
                        leader = r.leaderAddress();
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                if (any == null) {
                    throw new IllegalStateException("no replica of " + addresses + " answered within "
                            + timeout.toMillis() + " ms");
                }
                return any;
            }
            pause();
        }
    }

    /**
     * Makes {@code change}, waiting while another is in flight; returns the leader's reply (DONE or
     * why not). A change the leader could not see committed in its request timeout — a new voter
     * still starting, say — is waited for here, up to this tool's timeout, by watching the
     * membership.
     */
    AdminReply change(ConfChange change) {
        long deadline = System.nanoTime() + timeout.toNanos();
        AdminReply reply = untilSettled(new MembershipChangeRequest(change));
        while (reply.status() == AdminReply.Status.TIMEOUT && System.nanoTime() < deadline) {
            MembershipReport r = report();
            if (r.committed() && madeIn(change, r.config())) {
                return new AdminReply(AdminReply.Status.DONE, r.index(), r.leader(), r.leaderAddress(),
                        "committed at index " + r.index() + ": " + r.config());
            }
            pause();
        }
        return reply;
    }

    /** Whether {@code config} is one {@code change} has been made in. */
    private static boolean madeIn(ConfChange change, MembershipConfig config) {
        if (config.isJoint()) {
            return false;
        }
        for (ConfChange.Op op : change.ops()) {
            boolean made = switch (op.type()) {
                case ADD_VOTER -> config.isVoter(op.id());
                case ADD_LEARNER -> config.isLearner(op.id());
                case REMOVE -> !config.isMember(op.id());
            };
            if (!made) {
                return false;
            }
        }
        return true;
    }

    AdminReply transferLeadership(int target) {
        return untilSettled(new LeaderTransferRequest(target));
    }

    private AdminReply untilSettled(Object request) {
        long deadline = System.nanoTime() + timeout.toNanos();
        AdminReply last = null;
        while (System.nanoTime() <= deadline) {
            for (String a : candidates()) {
                Optional<Object> answer = ask(a, request);
                if (answer.isEmpty() || !(answer.get() instanceof AdminReply reply)) {
                    continue;
                }
                last = reply;
                switch (reply.status()) {
                    case DONE, INVALID, LOST, TIMEOUT -> {
                        leader = a;
                        return reply;
                    }
                    case NOT_LEADER -> {
                        if (reply.leaderAddress() != null) {
                            leader = reply.leaderAddress();
                            addresses.add(reply.leaderAddress());
                        }
                    }
                    case RETRY -> leader = a;
                }
                if (reply.status() == AdminReply.Status.RETRY || reply.leaderAddress() != null) {
                    break;
                }
            }
            pause();
        }
        if (last == null) {
            throw new IllegalStateException("no replica of " + addresses + " answered within " + timeout.toMillis()
                    + " ms");
        }
        return last;
    }

    private List<String> candidates() {
        return ReplicaAsker.candidates(leader, addresses);
    }

    private Optional<Object> ask(String address, Object request) {
        return asker.ask(address, request, timeout);
    }

    private static void pause() {
        ReplicaAsker.pause(RETRY_PAUSE_MILLIS);
    }

    @Override
    public void close() {
        asker.close();
    }
}
