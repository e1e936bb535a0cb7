package io.shardkv.ctrler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.Role;
import io.shardkv.raft.server.ReplicaConfig;
import io.shardkv.raft.server.ReplicaServer;
import io.shardkv.raft.testing.FreePorts;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ControllerClerk;
import io.shardkv.rpc.ctrler.ControllerException;
import io.shardkv.rpc.ctrler.CtrlerStatus;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three controller replicas over real sockets and files, driven by the production {@link ControllerClerk}. */
class ControllerServerTest {

    private static final String CLUSTER = "ctrler-test";

    @TempDir
    Path tmp;

    @Test
    void clerkChangesAndReadsConfigurationsThroughLeaderLoss() throws Exception {
        List<Integer> ports = FreePorts.take(3);
        Map<Integer, InetSocketAddress> peers = new TreeMap<>();
        for (int id = 1; id <= 3; id++) {
            peers.put(id, new InetSocketAddress("127.0.0.1", ports.get(id - 1)));
        }
        EventLoops loops = EventLoops.create(TransportConfig.builder(CLUSTER).ioThreads(2).build());
        Map<Integer, ReplicaServer> servers = new TreeMap<>();
        try (Transport client = Transport.create(TransportConfig.builder(CLUSTER).build(), ControllerServer.codec(),
                loops)) {
            for (int id = 1; id <= 3; id++) {
                servers.put(id, ControllerServer.start(ReplicaConfig.of(id, peers, tmp.resolve("c" + id), CLUSTER), 10,
                        loops));
            }
            ControllerClerk clerk = new ControllerClerk(client, new ArrayList<>(peers.values()));
            Config joined = clerk.join(Map.of(1, List.of("a:1"), 2, List.of("b:1"))).get(30, TimeUnit.SECONDS);
            assertEquals(1, joined.num());
            assertTrue(Rebalancer.balanced(joined));
            Config moved = clerk.move(0, 2).get(30, TimeUnit.SECONDS);
            assertEquals(2, moved.groupOf(0));

            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> clerk.join(Map.of(1, List.of("again:1"))).get(30, TimeUnit.SECONDS));
            ControllerException e = assertInstanceOf(ControllerException.class, refused.getCause());
            assertEquals(CtrlerStatus.BAD_REQUEST, e.status());
            assertTrue(e.getMessage().contains("already joined"), e.getMessage());

            int leader = servers.entrySet().stream().filter(s -> s.getValue().status().role() == Role.LEADER)
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            servers.remove(leader).close();
            Config left = clerk.leave(List.of(1)).get(30, TimeUnit.SECONDS);
            assertEquals(3, left.num());
            assertEquals(List.of(2), new ArrayList<>(left.groups().keySet()));
            assertEquals(moved, clerk.query(2).get(30, TimeUnit.SECONDS));
            assertEquals(left, clerk.query(-1).get(30, TimeUnit.SECONDS));
            clerk.close();
        } finally {
            for (ReplicaServer s : servers.values()) {
                s.close();
            }
            loops.close();
        }
    }
}
