package io.shardkv.redis;

import io.shardkv.redis.resp.RespReply;
import io.shardkv.rpc.LabeledLatency;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a RESP port has done, for its metrics: each command from arrival to its reply being ready,
 * by name and by the kind of reply (ok, or an error's first word: MOVED, TRYAGAIN, CLUSTERDOWN,
 * ...), connections refused at the limit and connections closed for breaking the protocol. Label
 * values come from bounded sets, whatever clients send.
 */
public final class RedisStats {

    /** The error words Redis clients act on; any other error reply is counted as ERR. */
    private static final Set<String> ERROR_KINDS = Set.of("MOVED", "ASK", "TRYAGAIN", "CLUSTERDOWN", "CROSSSLOT",
            "NOAUTH", "NOPERM", "WRONGPASS", "NOPROTO");

    private final LabeledLatency commands = new LabeledLatency("command", "reply");
    private final LongAdder refusedConnections = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();

    /** Commands by name (unknown ones as "unknown") and reply kind, with their latency. */
    public LabeledLatency commands() {
        return commands;
    }

    public long refusedConnections() {
        return refusedConnections.sum();
    }

    public long protocolErrors() {
        return protocolErrors.sum();
    }

    void commandAnswered(long startNanos, String command, RespReply reply) {
        commands.observeSince(startNanos, command, replyKind(reply));
    }

    void connectionRefused() {
        refusedConnections.increment();
    }

    void protocolError() {
        protocolErrors.increment();
    }

    static String replyKind(RespReply reply) {
        if (!(reply instanceof RespReply.Error e)) {
            return "ok";
        }
        int space = e.message().indexOf(' ');
        String word = space < 0 ? e.message() : e.message().substring(0, space);
        return ERROR_KINDS.contains(word) ? word : "ERR";
    }
}
