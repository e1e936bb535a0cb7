package io.shardkv.raft.node;

import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Test applier that tells proposers what became of their proposal: once its index is applied, it
 * committed if the entry there has the proposal's term, and was lost otherwise.
 */
public final class CommitTracker implements Applier {

    /** What became of a proposal. */
    public enum Outcome { COMMITTED, LOST, UNKNOWN }

    private record Waiter(long term, CompletableFuture<Outcome> future) {
    }

    private final Map<Long, List<Waiter>> waiters = new HashMap<>();
    private long appliedIndex;

    /** Completes when {@code proposal}'s index is applied (on the node thread). */
    public synchronized CompletableFuture<Outcome> await(Proposal proposal) {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        if (proposal.index() <= appliedIndex) {
            // Proposals complete before their entry can be applied, so this one was overtaken.
            f.complete(Outcome.UNKNOWN);
        } else {
            waiters.computeIfAbsent(proposal.index(), i -> new ArrayList<>()).add(new Waiter(proposal.term(), f));
        }
        return f;
    }

    @Override
    public synchronized void apply(Entry entry) {
        appliedIndex = entry.index();
        List<Waiter> ws = waiters.remove(entry.index());
        if (ws != null) {
            for (Waiter w : ws) {
                w.future().complete(w.term() == entry.term() ? Outcome.COMMITTED : Outcome.LOST);
            }
        }
    }

    @Override
    public synchronized void restore(Snapshot snapshot) {
        appliedIndex = snapshot.index();
        // Whatever a snapshot covers is no longer visible entry by entry.
        waiters.entrySet().removeIf(e -> {
            if (e.getKey() > appliedIndex) {
                return false;
            }
            e.getValue().forEach(w -> w.future().complete(Outcome.UNKNOWN));
            return true;
        });
    }
}
