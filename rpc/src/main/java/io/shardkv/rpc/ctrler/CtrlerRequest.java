package io.shardkv.rpc.ctrler;

import io.shardkv.rpc.MetricLabel;
import io.shardkv.rpc.tls.RequiresRole;
import io.shardkv.rpc.tls.Role;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A controller operation from a client session (see {@code KvRequest} for seq and lowestUnacked).
 *
 * @param joins  JOIN, SERVERS: group id → servers
 * @param gids   LEAVE: the groups leaving; MOVE: the one target group
 * @param shard  MOVE: the shard
 * @param num    QUERY: the configuration number, -1 for the latest
 */
public record CtrlerRequest(long clientId, long seq, long lowestUnacked, CtrlerOp op,
                            SortedMap<Integer, List<String>> joins, List<Integer> gids, int shard, long num)
        implements MetricLabel, RequiresRole {

    public CtrlerRequest {
        Objects.requireNonNull(op, "op");
        TreeMap<Integer, List<String>> copy = new TreeMap<>();
        joins.forEach((gid, servers) -> copy.put(gid, List.copyOf(servers)));
        joins = copy;
        gids = List.copyOf(gids);
    }

    public static CtrlerRequest join(long clientId, long seq, long lowestUnacked, Map<Integer, List<String>> groups) {
        return new CtrlerRequest(clientId, seq, lowestUnacked, CtrlerOp.JOIN, new TreeMap<>(groups), List.of(), 0, 0);
    }

    public static CtrlerRequest leave(long clientId, long seq, long lowestUnacked, List<Integer> gids) {
        return new CtrlerRequest(clientId, seq, lowestUnacked, CtrlerOp.LEAVE, new TreeMap<>(), gids, 0, 0);
    }

    public static CtrlerRequest move(long clientId, long seq, long lowestUnacked, int shard, int gid) {
        return new CtrlerRequest(clientId, seq, lowestUnacked, CtrlerOp.MOVE, new TreeMap<>(), List.of(gid), shard, 0);
    }

    public static CtrlerRequest servers(long clientId, long seq, long lowestUnacked, Map<Integer, List<String>> groups) {
        return new CtrlerRequest(clientId, seq, lowestUnacked, CtrlerOp.SERVERS, new TreeMap<>(groups), List.of(), 0, 0);
    }

    public static CtrlerRequest query(long clientId, long num) {
        return new CtrlerRequest(clientId, 0, 0, CtrlerOp.QUERY, new TreeMap<>(), List.of(), 0, num);
    }

    @Override
    public String metricLabel() {
        return op.name();
    }

    @Override
    public Role requiredRole() {
        return op == CtrlerOp.QUERY ? Role.READONLY : Role.ADMIN;
    }
}
