package io.shardkv.cli;

import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.PeerConnection;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.kv.KvWireTypes;
import io.shardkv.rpc.migration.MigrationWireTypes;
import io.shardkv.rpc.migration.ShardStatusReport;
import io.shardkv.rpc.migration.ShardStatusRequest;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * What {@code admin join} checks before the controller hears of a group: every server given for
 * it answers as a replica of that group. A group that does not exist, or the addresses of another
 * group, would otherwise be given shards that nobody serves.
 */
final class JoinCheck implements AutoCloseable {

    private final Transport transport;
    private final Duration timeout;

    JoinCheck(TransportConfig settings, Duration timeout) {
        this.transport = Transport.create(settings,
                Codec.builder().install(new KvWireTypes()).install(new MigrationWireTypes()).build());
        this.timeout = timeout;
    }

    /** Why {@code groups}' servers are not replicas of those groups, one line per server; empty if all are. */
    List<String> problems(Map<Integer, List<String>> groups) {
        Map<String, CompletableFuture<String>> asked = new LinkedHashMap<>();
        groups.forEach((gid, servers) -> servers.forEach(s -> asked.put(s, problem(gid, s))));
        List<String> out = new ArrayList<>();
        asked.values().forEach(f -> {
            String p = f.join();
            if (p != null) {
                out.add(p);
            }
        });
        return out;
    }

    private CompletableFuture<String> problem(int gid, String server) {
        InetSocketAddress a = HostPort.parse(server);
        PeerConnection c = transport.connect(a);
        return c.request(new ShardStatusRequest(), timeout).handle((answer, error) -> {
            c.close();
            if (error != null) {
                Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                return server + (e instanceof TimeoutException
                        ? " did not answer as a shard-group server within " + timeout.toMillis() + " ms"
                        : refused(e) ? " refused the connection: nothing listens there"
                        : " cannot be reached: " + Main.oneLine(e)) + " (group " + gid + ")";
            }
            if (answer instanceof ShardStatusReport r) {
                return r.gid() == gid ? null : server + " is a replica of group " + r.gid() + ", not of group " + gid;
            }
            return server + " is not a shard-group server (it answered " + answer.getClass().getSimpleName() + ")";
        });
    }

    private static boolean refused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || String.valueOf(t.getMessage()).contains("Connection refused")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        transport.close();
    }
}
