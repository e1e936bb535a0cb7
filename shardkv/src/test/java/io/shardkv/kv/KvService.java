package io.shardkv.kv;

import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.rsm.RsmHost;
import io.shardkv.raft.rsm.RsmOutcome;
import io.shardkv.rpc.kv.KvLimits;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Turns key/value requests into RSM host operations and outcomes into responses: writes through
 * the log with the client's session, GET through ReadIndex. Sans-I/O and single-threaded: it runs
 * on the node's thread in the real server and in the simulator alike. Test scope, with
 * {@link KvServer}.
 */
final class KvService {

    private final RsmHost host;
    private final IntFunction<String> addressOfNode;

    /**
     * @param addressOfNode the client-facing address of a node of this group (for WRONG_LEADER
     *                      hints), or null if unknown
     */
    KvService(RsmHost host, IntFunction<String> addressOfNode) {
        this.host = host;
        this.addressOfNode = addressOfNode;
    }

    void handle(KvRequest request, Consumer<KvResponse> reply) {
        KvResponse refusal = KvLimits.refusal(request);
        if (refusal != null) {
            reply.accept(refusal);
            return;
        }
        if (request.op() == KvOp.GET) {
            host.query(KvCommands.encodeQuery(request.key()), outcome -> reply.accept(response(outcome)));
        } else {
            host.submit(request.clientId(), request.seq(), request.lowestUnacked(), KvCommands.encode(request),
                    outcome -> reply.accept(response(outcome)));
        }
    }

    private KvResponse response(RsmOutcome outcome) {
        if (outcome instanceof RsmOutcome.Ok ok) {
            return KvCommands.decodeReply(ok.reply());
        }
        if (outcome instanceof RsmOutcome.WrongLeader wl) {
            return KvResponse.wrongLeader(wl.leaderHint() == RaftCore.NONE ? null : addressOfNode.apply(wl.leaderHint()));
        }
        if (outcome instanceof RsmOutcome.SessionExpired) {
            return KvResponse.of(KvStatus.SESSION_EXPIRED);
        }
        if (outcome instanceof RsmOutcome.Rejected r) {
            return KvResponse.refused(KvStatus.BAD_REQUEST, r.reason());
        }
        return KvResponse.refused(KvStatus.SHUTTING_DOWN, ((RsmOutcome.Stopped) outcome).reason());
    }
}
