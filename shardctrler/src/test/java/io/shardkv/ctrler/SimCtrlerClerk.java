package io.shardkv.ctrler;

import io.shardkv.raft.sim.SimCluster;
import io.shardkv.raft.sim.SimGroupClient;
import io.shardkv.rpc.GroupClient;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ControllerException;
import io.shardkv.rpc.ctrler.CtrlerRequest;
import io.shardkv.rpc.ctrler.CtrlerResponse;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A controller clerk as simulator events, like the labs' clerk and like {@code ControllerClerk}:
 * one session, a seq per change repeated on every retry, leader hints followed.
 */
final class SimCtrlerClerk {

    private static final long ATTEMPT_TIMEOUT_MICROS = 300_000;
    private static final long RETRY_PAUSE_MICROS = 50_000;

    private final SimCluster cluster;
    private final SimGroupClient group;
    private final long clientId;
    private long nextSeq = 1;

    SimCtrlerClerk(SimCluster cluster, int endpoint, List<Integer> servers) {
        this.cluster = cluster;
        Random random = new Random(cluster.seed() * 31 + endpoint);
        this.clientId = random.nextLong();
        this.group = new SimGroupClient(cluster, endpoint, servers, ATTEMPT_TIMEOUT_MICROS, RETRY_PAUSE_MICROS, random);
    }

    void query(long num, Consumer<Config> done) {
        send(CtrlerRequest.query(clientId, num), done);
    }

    void join(Map<Integer, List<String>> groups, Consumer<Config> done) {
        long seq = nextSeq++;
        send(CtrlerRequest.join(clientId, seq, seq, groups), done);
    }

    void leave(List<Integer> gids, Consumer<Config> done) {
        long seq = nextSeq++;
        send(CtrlerRequest.leave(clientId, seq, seq, gids), done);
    }

    void move(int shard, int gid, Consumer<Config> done) {
        long seq = nextSeq++;
        send(CtrlerRequest.move(clientId, seq, seq, shard, gid), done);
    }

    private void send(CtrlerRequest request, Consumer<Config> done) {
        group.call(request, SimCtrlerClerk::classify, done, error -> {
            throw cluster.fail("controller clerk: " + request.op() + " failed: " + error.getMessage());
        });
    }

    static GroupClient.Step<Config> classify(Object body) {
        if (!(body instanceof CtrlerResponse r)) {
            return new GroupClient.Retry<>();
        }
        return switch (r.status()) {
            case OK -> new GroupClient.Done<>(r.config());
            case WRONG_LEADER -> new GroupClient.Redirect<>(r.leaderHint());
            case TIMEOUT, SHUTTING_DOWN -> new GroupClient.Retry<>();
            case BAD_REQUEST, SESSION_EXPIRED -> new GroupClient.Fail<>(new ControllerException(r.status(), r.message()));
        };
    }
}
