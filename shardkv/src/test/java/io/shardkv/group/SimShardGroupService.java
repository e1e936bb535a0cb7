package io.shardkv.group;

import io.shardkv.group.engine.MemoryEngine;
import io.shardkv.raft.node.Applier;
import io.shardkv.raft.rsm.RsmHost;
import io.shardkv.raft.rsm.RsmOptions;
import io.shardkv.raft.sim.SimNode;
import io.shardkv.raft.sim.SimService;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The production shard group stack — {@link ShardGroupService} and {@link MigrationDriver} on an
 * {@link RsmHost} running a {@link ShardGroupStateMachine} — hosted by a simulated node. The
 * driver ticks with the node and reaches the controller and other groups from the node's own
 * endpoint, so it is cut off, and dies, with the node.
 */
final class SimShardGroupService implements SimService {

    /** What every replica of a simulated shard group shares. */
    record Settings(int gid, int numShards, RsmOptions rsm, MigrationDriver.Options driver,
                    List<Integer> controllers, LongSupplier clockMillis, OwnershipLedger ledger) {
    }

    private final ShardGroupStateMachine machine;
    private final RsmHost host;
    private final ShardGroupService service;
    private final MigrationDriver driver;

    SimShardGroupService(SimNode node, Settings s) {
        this.machine = new ShardGroupStateMachine(s.gid(), s.numShards(), MemoryEngine.INSTANCE, s.rsm().sessionTimeout().toMillis(),
                s.rsm().maxUnackedPerClient());
        this.host = new RsmHost(new ObservedStateMachine(machine, s.ledger()), node, s.rsm(), s.clockMillis());
        this.driver = new MigrationDriver(machine, host, new SimMigrationPeers(node, s.controllers()), s.driver(),
                s.clockMillis());
        this.service = new ShardGroupService(machine, host, node::addressOf, driver::installedBytes);
    }

    static SimService.Factory factory(Settings settings) {
        return node -> new SimShardGroupService(node, settings);
    }

    ShardGroupStateMachine machine() {
        return machine;
    }

    @Override
    public Applier applier() {
        return host;
    }

    @Override
    public void tick() {
        driver.tick();
    }

    @Override
    public void handle(Object request, Consumer<Object> reply) {
        service.handle(request, reply);
    }
}
