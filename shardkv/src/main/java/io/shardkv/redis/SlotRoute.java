package io.shardkv.redis;

/** Where a slot is served, seen from one replica: the answer a Redis client gets for a key in it. */
public sealed interface SlotRoute {

    /** This replica leads the group that serves the slot: run the command here. */
    record Here() implements SlotRoute {
    }

    /** Another replica serves it: {@code MOVED slot address}. */
    record Moved(String address) implements SlotRoute {
    }

    /** The slot's data is still being moved into this group: {@code TRYAGAIN}. */
    record Importing(String why) implements SlotRoute {
    }

    /** Nobody can serve it now (no owner, no leader, no reachable replica): {@code CLUSTERDOWN}. */
    record Down(String why) implements SlotRoute {
    }
}
