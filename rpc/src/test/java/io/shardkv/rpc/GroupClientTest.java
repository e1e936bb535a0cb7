package io.shardkv.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.rpc.TestTypes.Blob;
import io.shardkv.rpc.TestTypes.Unregistered;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A group call ends: with an answer, at its deadline, or at once if its request cannot be sent. */
class GroupClientTest {

    private static final Duration LIVENESS = Duration.ofSeconds(30);

    private final Transport transport = Transport.create(TransportConfig.builder("test").build(), TestTypes.codec());
    /** Nothing listens there: every attempt fails, none is answered. */
    private final GroupClient group = new GroupClient(transport, List.of(new InetSocketAddress("127.0.0.1", 1)),
            Duration.ofMillis(100), Duration.ofMillis(10));

    @AfterEach
    void close() {
        group.close();
        transport.close();
    }

    private static Throwable failure(CompletableFuture<Object> call) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> call.get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void aCallNobodyAnswersFailsAtItsDeadline() {
        CompletableFuture<Object> call = group.call(new TestTypes.Ping(1, "x"), Duration.ofMillis(300),
                GroupClient.Done::new);
        assertInstanceOf(TimeoutException.class, failure(call));
    }

    @Test
    void aHintToAServerItWasNotGivenIsFollowed() throws Exception {
        RpcServer answering = transport.listen(new InetSocketAddress("127.0.0.1", 0), handler(r -> "done"));
        String answeringAddress = HostPort.format(answering.localAddress());
        RpcServer redirecting = transport.listen(new InetSocketAddress("127.0.0.1", 0),
                handler(r -> "leader at " + answeringAddress));
        try (GroupClient outdated = new GroupClient(transport, List.of(redirecting.localAddress()),
                Duration.ofSeconds(5), Duration.ofMillis(10))) {
            Object answer = outdated.call(new TestTypes.Ping(1, "x"), LIVENESS, response -> {
                String text = ((TestTypes.Ping) response).text();
                return text.startsWith("leader at ") ? new GroupClient.Redirect<>(text.substring(10))
                        : new GroupClient.Done<>(text);
            }).get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
            assertEquals("done", answer);
            assertEquals(List.of(HostPort.format(redirecting.localAddress()), answeringAddress),
                    outdated.servers().stream().map(HostPort::format).toList());
        } finally {
            redirecting.close();
            answering.close();
        }
    }

    private static RpcHandler handler(Function<Object, String> answer) {
        return new RpcHandler() {
            @Override
            public void onMessage(int fromNodeId, Object message) {
            }

            @Override
            public CompletableFuture<?> onRequest(int fromNodeId, Object request) {
                return CompletableFuture.completedFuture(new TestTypes.Ping(1, answer.apply(request)));
            }
        };
    }

    @Test
    void aRequestThatCannotBeSentFailsTheFutureAtOnce() {
        Throwable unregistered = failure(group.call(new Unregistered(1), LIVENESS, GroupClient.Done::new));
        assertInstanceOf(IllegalArgumentException.class, unregistered);
        Throwable tooBig = failure(group.call(new Blob(new byte[17 << 20]), LIVENESS, GroupClient.Done::new));
        assertInstanceOf(IllegalArgumentException.class, tooBig);
        assertTrue(tooBig.getMessage().contains("exceeds"), tooBig.getMessage());
    }
}
