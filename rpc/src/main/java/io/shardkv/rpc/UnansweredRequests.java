package io.shardkv.rpc;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Requests received on a server's connections whose answer has not yet left the process (written
 * and flushed, or failed because the connection went away). A stopping server waits for these, so
 * closing its connections never swallows an answer that was already computed.
 */
final class UnansweredRequests {

    private final Set<CompletableFuture<Void>> unanswered = ConcurrentHashMap.newKeySet();

    /** Registers a request before its handler runs; complete the returned future once its answer is out. */
    CompletableFuture<Void> received() {
        CompletableFuture<Void> answered = new CompletableFuture<>();
        unanswered.add(answered);
        answered.whenComplete((ignored, error) -> unanswered.remove(answered));
        return answered;
    }

    /**
     * Waits until every request registered before this call is answered, or {@code grace} passes.
     * Returns whether all were answered.
     */
    boolean awaitAnswered(Duration grace) throws InterruptedException {
        try {
            CompletableFuture.allOf(unanswered.toArray(new CompletableFuture<?>[0]))
                    .get(grace.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("answer trackers complete normally only", e);
        }
    }

    int size() {
        return unanswered.size();
    }
}
