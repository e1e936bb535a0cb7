package io.shardkv.group;

import io.shardkv.raft.core.SnapshotImage;
import java.io.IOException;
import java.io.InputStream;
import io.shardkv.kv.KvCommands;
import io.shardkv.raft.rsm.StateMachine;
import io.shardkv.rpc.kv.KvStatus;
import io.shardkv.rpc.ctrler.Shards;

/** A shard group's state machine that reports every client write it applies to an {@link OwnershipLedger}. */
final class ObservedStateMachine implements StateMachine {

    private final ShardGroupStateMachine machine;
    private final OwnershipLedger ledger;

    ObservedStateMachine(ShardGroupStateMachine machine, OwnershipLedger ledger) {
        this.machine = machine;
        this.ledger = ledger;
    }

    @Override
    public byte[] apply(long index, long timeMillis, byte[] command) {
        byte[] reply = machine.apply(index, timeMillis, command);
        if (GroupCodec.decode(command) instanceof GroupCommand.ClientWrite w
                && KvCommands.decodeReply(reply).status() != KvStatus.WRONG_GROUP) {
            int shard = Shards.shardOf(w.request().key(), machine.config().numShards());
            ledger.applied(machine.gid(), shard, machine.config().num(), machine.config().groupOf(shard));
        }
        return reply;
    }

    @Override
    public byte[] query(byte[] query) {
        return machine.query(query);
    }

    @Override
    public SnapshotImage snapshot() {
        return machine.snapshot();
    }

    @Override
    public void restore(InputStream image) throws IOException {
        machine.restore(image);
    }
}
