package io.shardkv.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.linearizability.History;
import io.shardkv.raft.core.Role;
import io.shardkv.raft.core.confchange.ConfChange;
import io.shardkv.raft.core.tracker.MembershipConfig;
import io.shardkv.raft.node.Membership;
import io.shardkv.raft.server.ReplicaServer;
import io.shardkv.rpc.HostPort;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership change on the real runtime: replicas over real sockets and real files. A dead
 * replica is replaced by one on a new port with an empty disk — added as a learner, caught up,
 * promoted, the old one removed — the leader removes itself, handing leadership over, and a
 * leader that stops hands leadership over before its port closes.
 */
class KvMembershipTest {

    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path tmp;

    @Test
    void aDestroyedReplicaIsReplacedByANewOneWithAnEmptyDisk() throws Exception {
        try (KvServerCluster cluster = new KvServerCluster(3, tmp, 4096, 11)) {
            cluster.startAll();
            KvClerk ck = cluster.clerk(new History());
            for (int i = 0; i < 200; i++) {
                ck.put("key-" + (i % 25), "value-" + i);
            }
            int leader = cluster.awaitLeader();
            int dead = leader % 3 + 1;
            cluster.destroy(dead);

            InetSocketAddress fresh = cluster.startJoining(4);
            ReplicaServer lead = cluster.server(leader);
            lead.node().proposeConfChange(ConfChange.of(
                    new ConfChange.Op(ConfChange.Type.ADD_LEARNER, 4, HostPort.format(fresh)))).get(30, TimeUnit.SECONDS);
            long target = lead.status().commitIndex();
            await("the learner catches up", () -> cluster.server(4).status().appliedIndex() >= target);
            lead.node().proposeConfChange(ConfChange.addVoter(4)).get(30, TimeUnit.SECONDS);
            lead.node().proposeConfChange(ConfChange.remove(dead)).get(30, TimeUnit.SECONDS);

            MembershipConfig now = lead.node().membership().config();
            assertEquals(3, now.voters().incoming().size());
            assertTrue(now.isVoter(4));
            assertFalse(now.isMember(dead));
            assertEquals(HostPort.format(fresh), now.addresses().get(4));
            await("the new replica knows it is a voter", () -> cluster.server(4).node().membership().equals(
                    lead.node().membership()));

            // The new replica holds everything: with the old leader gone, the two left serve it all.
            cluster.kill(leader);
            KvClerk after = cluster.clerk(new History());
            assertEquals("value-199", after.get("key-24"));
            assertEquals("value-175", after.get("key-0"));
            after.put("after", "replace");
            assertEquals("replace", after.get("after"));
            assertTrue(Files.exists(tmp.resolve("replica-4")));
        }
    }

    @Test
    void aLeaderThatRemovesItselfHandsLeadershipOverAndStopsServing() throws Exception {
        try (KvServerCluster cluster = new KvServerCluster(3, tmp, 0, 12)) {
            cluster.startAll();
            KvClerk ck = cluster.clerk(new History());
            ck.put("k", "1");
            int leader = cluster.awaitLeader();
            ReplicaServer lead = cluster.server(leader);
            long termBefore = lead.status().term();

            lead.node().proposeConfChange(ConfChange.remove(leader)).get(30, TimeUnit.SECONDS);

            await("the removed leader steps down", () -> lead.status().role() != Role.LEADER);
            await("the removed replica knows", () -> lead.node().membership().removed(leader));
            int next = cluster.awaitLeader();
            assertNotEquals(leader, next);
            // TimeoutNow: the successor campaigns at once, one term later, with no election timeout.
            assertEquals(termBefore + 1, cluster.server(next).status().term());
            Membership m = cluster.server(next).node().membership();
            assertFalse(m.config().isMember(leader));
            ck.put("k", "2");
            assertEquals("2", ck.get("k"));
        }
    }

    @Test
    void aJoiningReplicaStartedKnowingOnlyAFollowerFindsTheLeader() throws Exception {
        try (KvServerCluster cluster = new KvServerCluster(3, tmp, 0, 14)) {
            cluster.startAll();
            KvClerk ck = cluster.clerk(new History());
            ck.put("k", "1");
            int leader = cluster.awaitLeader();
            int follower = leader % 3 + 1;

            InetSocketAddress fresh = cluster.startJoining(4, Set.of(follower));
            ReplicaServer lead = cluster.server(leader);
            lead.node().proposeConfChange(ConfChange.of(
                    new ConfChange.Op(ConfChange.Type.ADD_LEARNER, 4, HostPort.format(fresh)))).get(30, TimeUnit.SECONDS);
            long target = lead.status().commitIndex();

            // Without asking the follower for the members it could not answer the leader: no catch-up.
            await("the learner catches up from a leader it was not told of",
                    () -> cluster.server(4).status().appliedIndex() >= target);
            assertEquals(leader, cluster.server(4).status().leader());
        }
    }

    @Test
    void aStoppingLeaderHandsLeadershipToACaughtUpVoterFirst() throws Exception {
        try (KvServerCluster cluster = new KvServerCluster(3, tmp, 0, 13)) {
            cluster.startAll();
            KvClerk ck = cluster.clerk(new History());
            ck.put("k", "1");
            int leader = cluster.awaitLeader();
            ReplicaServer stopping = cluster.server(leader);
            long termBefore = stopping.status().term();

            cluster.kill(leader);

            // It stopped only once the successor's campaign had reached it.
            assertNotEquals(Role.LEADER, stopping.status().role());
            assertEquals(termBefore + 1, stopping.status().term());
            int next = cluster.awaitLeader();
            assertNotEquals(leader, next);
            // Handed over with TimeoutNow before the port closed: one term later, no election timeout.
            assertEquals(termBefore + 1, cluster.server(next).status().term());
            ck.put("k", "2");
            assertEquals("2", ck.get("k"));
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 30 s");
            }
            Thread.sleep(10);
        }
    }
}
