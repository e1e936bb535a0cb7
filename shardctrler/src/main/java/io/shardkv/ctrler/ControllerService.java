package io.shardkv.ctrler;

import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.rsm.RsmHost;
import io.shardkv.raft.rsm.RsmOutcome;
import io.shardkv.rpc.ctrler.CtrlerOp;
import io.shardkv.rpc.ctrler.CtrlerRequest;
import io.shardkv.rpc.ctrler.CtrlerResponse;
import io.shardkv.rpc.ctrler.CtrlerStatus;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Turns controller requests into RSM host operations: changes through the log with the client's
 * session, queries through ReadIndex. Sans-I/O and single-threaded (the node's thread), in the
 * real server and in the simulator alike.
 */
final class ControllerService {

    private final RsmHost host;
    private final IntFunction<String> addressOfNode;

    ControllerService(RsmHost host, IntFunction<String> addressOfNode) {
        this.host = host;
        this.addressOfNode = addressOfNode;
    }

    void handle(CtrlerRequest request, Consumer<CtrlerResponse> reply) {
        if (request.op() == CtrlerOp.QUERY) {
            if (request.num() < -1) {
                reply.accept(CtrlerResponse.refused(CtrlerStatus.BAD_REQUEST, "config number " + request.num()
                        + " is below -1"));
                return;
            }
            host.query(ControllerCodec.encodeQuery(request.num()), outcome -> reply.accept(response(outcome)));
        } else {
            host.submit(request.clientId(), request.seq(), request.lowestUnacked(),
                    ControllerCodec.encodeCommand(request), outcome -> reply.accept(response(outcome)));
        }
    }

    private CtrlerResponse response(RsmOutcome outcome) {
        if (outcome instanceof RsmOutcome.Ok ok) {
            return ControllerCodec.decodeReply(ok.reply());
        }
        if (outcome instanceof RsmOutcome.WrongLeader wl) {
            return CtrlerResponse.wrongLeader(wl.leaderHint() == RaftCore.NONE ? null : addressOfNode.apply(wl.leaderHint()));
        }
        if (outcome instanceof RsmOutcome.SessionExpired) {
            return CtrlerResponse.refused(CtrlerStatus.SESSION_EXPIRED, "the client's session expired");
        }
        if (outcome instanceof RsmOutcome.Rejected r) {
            return CtrlerResponse.refused(CtrlerStatus.BAD_REQUEST, r.reason());
        }
        return CtrlerResponse.refused(CtrlerStatus.SHUTTING_DOWN, ((RsmOutcome.Stopped) outcome).reason());
    }
}
