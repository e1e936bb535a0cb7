package io.shardkv.ctrler;

import io.shardkv.raft.sim.SimCluster;
import io.shardkv.raft.sim.SimGroupClient;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ControllerClerk;
import io.shardkv.rpc.ctrler.CtrlerRequest;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A controller clerk as simulator events, like the labs' clerk and like {@code ControllerClerk}:
 * one session, a seq per change repeated on every retry, leader hints followed.
 */
public final class SimCtrlerClerk {

    private static final long ATTEMPT_TIMEOUT_MICROS = 300_000;
    private static final long RETRY_PAUSE_MICROS = 50_000;

    private final SimCluster cluster;
    private final SimGroupClient group;
    private final long clientId;
    private long nextSeq = 1;

    public SimCtrlerClerk(SimCluster cluster, int endpoint, List<Integer> servers) {
        this.cluster = cluster;
        Random random = new Random(cluster.seed() * 31 + endpoint);
        this.clientId = random.nextLong();
        this.group = new SimGroupClient(cluster.world(), endpoint, servers, ATTEMPT_TIMEOUT_MICROS, RETRY_PAUSE_MICROS, random);
    }

    public void query(long num, Consumer<Config> done) {
        send(CtrlerRequest.query(clientId, num), done);
    }

    public void join(Map<Integer, List<String>> groups, Consumer<Config> done) {
        long seq = nextSeq++;
        send(CtrlerRequest.join(clientId, seq, seq, groups), done);
    }

    public void leave(List<Integer> gids, Consumer<Config> done) {
        long seq = nextSeq++;
        send(CtrlerRequest.leave(clientId, seq, seq, gids), done);
    }

    public void move(int shard, int gid, Consumer<Config> done) {
        long seq = nextSeq++;
        send(CtrlerRequest.move(clientId, seq, seq, shard, gid), done);
    }

    /** Records where groups' replicas are now, as the membership tool does after a change. */
    public void setServers(Map<Integer, List<String>> groups, Consumer<Config> done) {
        long seq = nextSeq++;
        send(CtrlerRequest.servers(clientId, seq, seq, groups), done);
    }

    private void send(CtrlerRequest request, Consumer<Config> done) {
        group.call(request, ControllerClerk::classify, done, error -> {
            throw cluster.fail("controller clerk: " + request.op() + " failed: " + error.getMessage());
        });
    }
}
