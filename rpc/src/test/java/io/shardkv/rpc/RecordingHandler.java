package io.shardkv.rpc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Test handler that records what arrives (from any thread) and answers requests with
 * {@code onRequest}.
 */
final class RecordingHandler implements RpcHandler {

    private final List<Object> messages = Collections.synchronizedList(new ArrayList<>());
    private final List<Object> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> senders = Collections.synchronizedList(new ArrayList<>());
    private final Function<Object, CompletableFuture<?>> onRequest;

    RecordingHandler(Function<Object, CompletableFuture<?>> onRequest) {
        this.onRequest = onRequest;
    }

    static RecordingHandler echo() {
        return new RecordingHandler(CompletableFuture::completedFuture);
    }

    @Override
    public void onMessage(int fromNodeId, Object message) {
        senders.add(fromNodeId);
        messages.add(message);
    }

    @Override
    public CompletableFuture<?> onRequest(int fromNodeId, Object request) {
        senders.add(fromNodeId);
        requests.add(request);
        return onRequest.apply(request);
    }

    List<Object> messages() {
        return copy(messages);
    }

    List<Object> requests() {
        return copy(requests);
    }

    List<Integer> senders() {
        return copy(senders);
    }

    private static <T> List<T> copy(List<T> list) {
        synchronized (list) {
            return new ArrayList<>(list);
        }
    }
}
