package io.shardkv.cli;

import io.shardkv.raft.node.NodeStatus;
import io.shardkv.raft.node.RaftNode;
import io.shardkv.raft.server.ReplicaServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A replica's health as an orchestrator asks for it, following etcd's {@code /livez} and
 * {@code /readyz}. Live: the process runs and its node thread goes round its loop — if not, only a
 * restart helps. Ready: the replica takes part in its group — it knows a leader of its current term
 * and has applied what it knows to be committed — so traffic and rolling restarts may count on it.
 * Neither waits on the node thread: a stalled node makes them fail, not hang.
 */
final class Probes {

    /** A node thread stuck this long is not coming back by itself (an fsync on a healthy disk takes ms). */
    static final Duration STALL_LIMIT = Duration.ofSeconds(30);
    /** How long readiness waits for the applied index to reach the commit index it saw. */
    static final Duration APPLY_WAIT = Duration.ofSeconds(1);

    /** One named condition and, if it fails, why. */
    record Check(String name, String failure) {

        boolean passed() {
            return failure == null;
        }
    }

    /** The checks of one probe; it passes when they all do. */
    record Result(String probe, List<Check> checks) {

        boolean passed() {
            return checks.stream().allMatch(Check::passed);
        }

        /** One line per check, then the verdict, as the Kubernetes API server and etcd print theirs. */
        String render() {
            StringBuilder b = new StringBuilder();
            for (Check c : checks) {
                b.append(c.passed() ? "[+]" + c.name() + " ok" : "[-]" + c.name() + " failed: " + c.failure()).append('\n');
            }
            return b.append(probe).append(passed() ? " check passed" : " check failed").append('\n').toString();
        }
    }

    private final ReplicaServer replica;
    private final Duration stallLimit;

    Probes(ReplicaServer replica) {
        this(replica, STALL_LIMIT);
    }

    Probes(ReplicaServer replica, Duration stallLimit) {
        this.replica = replica;
        this.stallLimit = stallLimit;
    }

    Result live() {
        RaftNode node = replica.node();
        NodeStatus s = node.status();
        long stalledMillis = TimeUnit.NANOSECONDS.toMillis(node.nanosSinceLoop());
        return new Result("livez", List.of(
                new Check("node", s.running() ? null : "the Raft node has stopped"),
                new Check("node-thread", stalledMillis < stallLimit.toMillis() ? null
                        : "the node thread has not gone round its loop for " + stalledMillis + " ms")));
    }

    Result ready() {
        RaftNode node = replica.node();
        NodeStatus s = node.status();
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("node", s.running() ? null : "the Raft node has stopped"));
        checks.add(new Check("member", replica.isRemoved() ? "removed from its group by a committed configuration"
                : node.membership().config().isEmpty() ? "joining: no configuration has reached this replica yet" : null));
        checks.add(new Check("leader", s.leader() != 0 ? null : "no leader known in term " + s.term()));
        checks.add(new Check("applied", applied(node, s)));
        return new Result("readyz", checks);
    }

    private static String applied(RaftNode node, NodeStatus s) {
        if (s.appliedIndex() >= s.commitIndex()) {
            return null;
        }
        try {
            node.whenApplied(s.commitIndex()).get(APPLY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            return "applied " + node.status().appliedIndex() + " of " + s.commitIndex() + " known committed";
        } catch (ExecutionException e) {
            return "the node stopped while applying: " + e.getCause().getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
