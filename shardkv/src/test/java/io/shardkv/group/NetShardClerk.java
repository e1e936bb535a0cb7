package io.shardkv.group;

import io.shardkv.kv.KvReplies;
import io.shardkv.rpc.GroupClient;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ControllerClerk;
import io.shardkv.rpc.ctrler.Shards;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * A blocking sharded clerk over real sockets, behaving like the labs' clerk: one operation at a
 * time, routed by its cached configuration, retried with the same session and seq; on WRONG_GROUP
 * or when a group gives no answer within a second, it pauses 100 ms and asks the controller for
 * the latest configuration. Each operation gives up after its own limit with a TimeoutException.
 */
final class NetShardClerk implements AutoCloseable {

    private static final Duration ATTEMPT = Duration.ofMillis(500);
    private static final Duration PAUSE = Duration.ofMillis(100);
    private static final Duration GROUP_DEADLINE = Duration.ofSeconds(1);

    private final Transport transport;
    private final ControllerClerk controller;
    private final Map<Integer, GroupClient> groups = new HashMap<>();
    private final Map<Integer, List<String>> serversOf = new HashMap<>();
    private final long clientId;
    private Config config;
    private long nextSeq = 1;

    NetShardClerk(Transport transport, List<InetSocketAddress> controllers, int numShards, Random random) {
        this.transport = transport;
        this.controller = new ControllerClerk(transport, controllers, Duration.ofSeconds(5));
        this.clientId = random.nextLong();
        this.config = Config.initial(numShards);
    }

    String get(String key, Duration limit) throws TimeoutException, InterruptedException {
        KvResponse r = run(KvOp.GET, key, null, limit);
        return r.status() == KvStatus.OK ? new String(r.value(), StandardCharsets.UTF_8) : null;
    }

    void put(String key, String value, Duration limit) throws TimeoutException, InterruptedException {
        run(KvOp.PUT, key, value, limit);
    }

    void append(String key, String value, Duration limit) throws TimeoutException, InterruptedException {
        run(KvOp.APPEND, key, value, limit);
    }

    private KvResponse run(KvOp op, String key, String value, Duration limit) throws TimeoutException,
            InterruptedException {
        long seq = op == KvOp.GET ? 0 : nextSeq++;
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        KvRequest request = new KvRequest(clientId, seq, seq, op, k,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), null);
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() - deadline < 0) {
            int gid = config.groupOf(Shards.shardOf(k, config.numShards()));
            if (gid != Config.NO_GROUP) {
                try {
                    KvResponse r = group(gid).call(request, GROUP_DEADLINE, KvReplies::classify).get();
                    if (r.status() != KvStatus.WRONG_GROUP) {
                        return r;
                    }
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TimeoutException)) {
                        throw new IllegalStateException(op + " " + key + " failed", e.getCause());
                    }
                }
            }
            Thread.sleep(PAUSE.toMillis());
            refresh();
        }
        throw new TimeoutException(op + " " + key + " gave no outcome within " + limit);
    }

    private void refresh() throws InterruptedException {
        try {
            Config latest = controller.query(-1).get();
            if (latest.num() > config.num()) {
                config = latest;
            }
        } catch (ExecutionException e) {
            // The controller did not answer in time: keep the cached configuration and retry.
        }
    }

    private GroupClient group(int gid) {
        List<String> servers = config.groups().get(gid);
        if (!servers.equals(serversOf.get(gid))) {
            GroupClient old = groups.remove(gid);
            if (old != null) {
                old.close();
            }
            groups.put(gid, new GroupClient(transport, servers.stream().map(HostPort::parse).toList(), ATTEMPT, PAUSE));
            serversOf.put(gid, servers);
        }
        return groups.get(gid);
    }

    @Override
    public void close() {
        groups.values().forEach(GroupClient::close);
        controller.close();
    }
}
