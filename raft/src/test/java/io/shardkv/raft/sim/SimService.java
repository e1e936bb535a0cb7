package io.shardkv.raft.sim;

import io.shardkv.raft.node.Applier;
import java.util.function.Consumer;

/**
 * A replicated service hosted by every node of a simulated group — the same sans-I/O code that
 * runs in the real server. A node builds a fresh instance each time it starts (its state comes
 * back from the snapshot and log), hands it committed entries as its {@link Applier}, and passes
 * it the requests clients send to the node.
 */
public interface SimService {

    /** Builds one node's instance on top of that node (its log, its address for leader hints). */
    @FunctionalInterface
    interface Factory {
        SimService create(SimNode node);
    }

    Applier applier();

    /** The node's clock ticked (on the node's thread): for a service's own periodic work. */
    default void tick() {
    }

    /** A client's request arrived (on the node's thread); {@code reply} sends the answer back. */
    void handle(Object request, Consumer<Object> reply);
}
