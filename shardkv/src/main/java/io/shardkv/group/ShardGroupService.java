package io.shardkv.group;

import io.shardkv.kv.Key;
import io.shardkv.kv.KvCommands;
import io.shardkv.raft.core.RaftCore;
import io.shardkv.raft.rsm.RsmHost;
import io.shardkv.raft.rsm.RsmOutcome;
import io.shardkv.rpc.kv.KvLimits;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import io.shardkv.rpc.migration.DeleteShardRequest;
import io.shardkv.rpc.migration.DeleteShardResponse;
import io.shardkv.rpc.migration.MigrationStatus;
import io.shardkv.rpc.migration.PullShardRequest;
import io.shardkv.rpc.migration.PullShardResponse;
import io.shardkv.rpc.migration.ShardStatusReport;
import io.shardkv.rpc.migration.ShardStatusRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers what reaches a shard group: clients' key/value requests and other groups' migration
 * requests. Writes go through the log and are made exactly-once by the shard they touch (so the
 * table moves with the shard); GET goes through ReadIndex; a pull is answered from the frozen
 * shard by any replica, no log entry needed; a delete goes through the log. Sans-I/O and
 * single-threaded, on the node's thread.
 */
final class ShardGroupService {

    /** The most a pull returns, whatever it asks for: one chunk is one log entry and one frame. */
    static final int MAX_CHUNK_BYTES = 4 << 20;

    /** A shard's session table travels in one answer, which must fit a frame (16 MiB by default). */
    static final int SESSION_TABLE_WARNING_BYTES = 12 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(ShardGroupService.class);

    private final ShardGroupStateMachine machine;
    private final RsmHost host;
    private final IntFunction<String> addressOfNode;
    private final LongSupplier migratedBytes;

    /**
     * @param addressOfNode the client-facing address of a node of this group (for WRONG_LEADER
     *                      hints), or null if unknown
     * @param migratedBytes shard data this replica has pulled in while leading, for status reports
     */
    ShardGroupService(ShardGroupStateMachine machine, RsmHost host, IntFunction<String> addressOfNode,
                      LongSupplier migratedBytes) {
        this.machine = machine;
        this.host = host;
        this.addressOfNode = addressOfNode;
        this.migratedBytes = migratedBytes;
    }

    /** Dispatches any request this group serves; anything else is answered with a refusal. */
    void handle(Object request, Consumer<Object> reply) {
        if (request instanceof KvRequest r) {
            handleKv(r, reply::accept);
        } else if (request instanceof PullShardRequest p) {
            reply.accept(pull(p));
        } else if (request instanceof DeleteShardRequest d) {
            delete(d, reply::accept);
        } else if (request instanceof ShardStatusRequest) {
            reply.accept(shardStatus());
        } else {
            reply.accept(KvResponse.refused(KvStatus.BAD_REQUEST, "a shard group serves key/value and migration"
                    + " requests, not " + request.getClass().getSimpleName()));
        }
    }

    private ShardStatusReport shardStatus() {
        ShardGroupView v = machine.view();
        SortedMap<Integer, String> states = new TreeMap<>();
        v.shards().forEach((shard, state) -> states.put(shard, state.name()));
        return new ShardStatusReport(machine.gid(), v.configNum(), v.settled(), states, v.keys(), migratedBytes.getAsLong());
    }

        /** The answer to a request that had no outcome within the server's deadline. */
    static Object timeout(Object request) {
        return unanswered(request, MigrationStatus.TIMEOUT, KvStatus.TIMEOUT, "no outcome within the request timeout");
    }

    /** The answer to a request that reached a stopping replica: try another. */
    static Object shuttingDown(Object request) {
        return unanswered(request, MigrationStatus.SHUTTING_DOWN, KvStatus.SHUTTING_DOWN, "this replica is stopping");
    }

    private static Object unanswered(Object request, MigrationStatus migration, KvStatus kv, String why) {
        if (request instanceof PullShardRequest) {
            return PullShardResponse.refused(migration, 0, why);
        }
        if (request instanceof DeleteShardRequest) {
            return DeleteShardResponse.of(migration);
        }
        return KvResponse.refused(kv, why);
    }

    private void handleKv(KvRequest request, Consumer<KvResponse> reply) {
        KvResponse refusal = KvLimits.refusal(request);
        if (refusal != null) {
            reply.accept(refusal);
            return;
        }
        String invalid = machine.invalidList(request);
        if (invalid != null) {
            reply.accept(KvResponse.refused(KvStatus.BAD_REQUEST, invalid));
            return;
        }
        if (host.isLeader() && !machine.serves(request.key())) {
            // Refused without a log entry; a follower lets the log path answer WRONG_LEADER instead.
            reply.accept(KvResponse.of(KvStatus.WRONG_GROUP));
            return;
        }
        if (request.op().isRead()) {
            byte[] query = request.op() == KvOp.GET ? KvCommands.encodeQuery(request.key())
                    : KvCommands.encodeMultiQuery(request.value());
            host.query(query, outcome -> reply.accept(response(outcome)));
        } else {
            host.submitInternal(GroupCodec.encode(new GroupCommand.ClientWrite(request)), outcome -> reply.accept(response(outcome)));
        }
    }

    private KvResponse response(RsmOutcome outcome) {
        if (outcome instanceof RsmOutcome.Ok ok) {
            return KvCommands.decodeReply(ok.reply());
        }
        if (outcome instanceof RsmOutcome.WrongLeader wl) {
            return KvResponse.wrongLeader(hint(wl));
        }
        if (outcome instanceof RsmOutcome.Rejected r) {
            return KvResponse.refused(KvStatus.BAD_REQUEST, r.reason());
        }
        if (outcome instanceof RsmOutcome.SessionExpired) {
            return KvResponse.of(KvStatus.SESSION_EXPIRED);
        }
        return KvResponse.refused(KvStatus.SHUTTING_DOWN, ((RsmOutcome.Stopped) outcome).reason());
    }

    private String hint(RsmOutcome.WrongLeader wl) {
        return wl.leaderHint() == RaftCore.NONE ? null : addressOfNode.apply(wl.leaderHint());
    }

    private PullShardResponse pull(PullShardRequest request) {
        long reached = machine.config().num();
        if (request.shard() >= machine.config().numShards()) {
            return PullShardResponse.refused(MigrationStatus.BAD_REQUEST, reached, "shard " + request.shard()
                    + " does not exist (" + machine.config().numShards() + " shards)");
        }
        Key after = request.after() == null ? null : new Key(request.after());
        int maxBytes = Math.min(request.maxBytes(), MAX_CHUNK_BYTES);
        PullAnswer answer = machine.pull(request.shard(), request.handoff(), after, maxBytes);
        if (answer instanceof PullAnswer.Chunk c) {
            List<byte[]> keys = new ArrayList<>(c.entries().size());
            List<byte[]> values = new ArrayList<>(c.entries().size());
            for (Map.Entry<Key, byte[]> e : c.entries()) {
                keys.add(e.getKey().bytes());
                values.add(e.getValue());
            }
            if (c.sessions().length > SESSION_TABLE_WARNING_BYTES) {
                LOG.error("group {}: the session table of shard {} is {} bytes, near the 16 MiB frame limit; an"
                        + " answer that does not fit stalls the migration (lower the session timeout or the clients'"
                        + " unacknowledged writes)", machine.gid(), request.shard(), c.sessions().length);
            }
            return PullShardResponse.chunk(reached, keys, values, c.last(), c.sessions());
        }
        MigrationStatus status = answer instanceof PullAnswer.NotReady ? MigrationStatus.NOT_READY
                : MigrationStatus.GONE;
        return PullShardResponse.refused(status, reached, null);
    }

    private void delete(DeleteShardRequest request, Consumer<DeleteShardResponse> reply) {
        if (request.shard() >= machine.config().numShards()) {
            reply.accept(new DeleteShardResponse(MigrationStatus.BAD_REQUEST, null, "shard " + request.shard()
                    + " does not exist (" + machine.config().numShards() + " shards)"));
            return;
        }
        byte[] command = GroupCodec.encode(new GroupCommand.DeleteShard(request.shard(), request.handoff()));
        host.submitInternal(command, outcome -> {
            if (outcome instanceof RsmOutcome.Ok ok) {
                reply.accept(DeleteShardResponse.of(GroupCodec.decodeReply(ok.reply())
                        == ShardGroupStateMachine.Reply.NOT_READY ? MigrationStatus.NOT_READY : MigrationStatus.OK));
            } else if (outcome instanceof RsmOutcome.WrongLeader wl) {
                reply.accept(DeleteShardResponse.wrongLeader(hint(wl)));
            } else if (outcome instanceof RsmOutcome.Stopped) {
                reply.accept(DeleteShardResponse.of(MigrationStatus.SHUTTING_DOWN));
            } else {
                reply.accept(new DeleteShardResponse(MigrationStatus.BAD_REQUEST, null, outcome.toString()));
            }
        });
    }
}
