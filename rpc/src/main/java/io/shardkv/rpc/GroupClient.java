package io.shardkv.rpc;

import io.shardkv.rpc.codec.CodecException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A client's view of one replicated group: it sends each request to its guess of the leader and,
 * as the caller's classifier decides, follows a leader hint, tries the next server (after a short
 * pause once every server was tried), or finishes — until a deadline. Connections are made on
 * first use and kept. Thread-safe; never blocks.
 */
public final class GroupClient implements AutoCloseable {

    /** What to do with a response. */
    public sealed interface Step<R> {
    }

    /** The call is done with this value. */
    public record Done<R>(R value) implements Step<R> {
    }

    /** Try the server at {@code address} ({@code host:port}) if it is one of ours, else the next. */
    public record Redirect<R>(String address) implements Step<R> {
    }

    /** Try the next server. */
    public record Retry<R>() implements Step<R> {
    }

    /** Give up with this failure. */
    public record Fail<R>(Exception error) implements Step<R> {
    }

    private final Transport transport;
    private final List<InetSocketAddress> servers;
    private final List<String> addresses = new ArrayList<>();
    private final PeerConnection[] connections;
    private final Duration attemptTimeout;
    private final Duration retryPause;
    private volatile int leader;

    /**
     * @param attemptTimeout how long to wait for one server's answer before trying another
     * @param retryPause     pause after every server was tried without an answer or a hint
     */
    public GroupClient(Transport transport, List<InetSocketAddress> servers, Duration attemptTimeout,
                       Duration retryPause) {
        this.transport = Objects.requireNonNull(transport, "transport");
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("servers is empty: a group needs at least one server");
        }
        TransportConfig.requirePositive("attemptTimeout", attemptTimeout);
        if (retryPause.isNegative()) {
            throw new IllegalArgumentException("retryPause must be 0 or more, was " + retryPause.toMillis() + " ms");
        }
        this.servers = List.copyOf(servers);
        for (InetSocketAddress a : servers) {
            addresses.add(HostPort.format(a));
        }
        this.connections = new PeerConnection[servers.size()];
        this.attemptTimeout = attemptTimeout;
        this.retryPause = retryPause;
        this.leader = ThreadLocalRandom.current().nextInt(servers.size());
    }

    public List<InetSocketAddress> servers() {
        return servers;
    }

    /**
     * Sends {@code request} until {@code classify} says {@link Done} or {@link Fail}, or
     * {@code deadline} passes (then the future fails with {@link TimeoutException}). The request is
     * resent unchanged, so it must be safe to repeat (e.g. carry a session and seq). A request that
     * cannot be sent at all — its type is not registered, or it does not fit a frame — fails the
     * future with that {@link IllegalArgumentException} or {@link CodecException}, never sent.
     */
    public <R> CompletableFuture<R> call(Object request, Duration deadline, Function<Object, Step<R>> classify) {
        CompletableFuture<R> result = new CompletableFuture<>();
        attempt(request, System.nanoTime() + deadline.toNanos(), classify, result, 0);
        return result;
    }

    private <R> void attempt(Object request, long deadlineNanos, Function<Object, Step<R>> classify,
                             CompletableFuture<R> result, int misses) {
        if (System.nanoTime() - deadlineNanos >= 0) {
            result.completeExceptionally(new TimeoutException("no outcome from group " + addresses + " in time for "
                    + request.getClass().getSimpleName()));
            return;
        }
        int target = leader;
        CompletableFuture<Object> answer;
        try {
            answer = connection(target).request(request, attemptTimeout);
        } catch (IllegalArgumentException | CodecException e) {
            result.completeExceptionally(e);
            return;
        }
        answer.whenComplete((response, error) -> {
            Step<R> step = error != null ? new Retry<>() : classify.apply(response);
            if (step instanceof Done<R> done) {
                result.complete(done.value());
            } else if (step instanceof Fail<R> fail) {
                result.completeExceptionally(fail.error());
            } else {
                int hinted = step instanceof Redirect<R> r ? addresses.indexOf(r.address()) : -1;
                int next = hinted >= 0 && hinted != target ? hinted : (target + 1) % servers.size();
                leader = next;
                int missed = hinted >= 0 ? 0 : misses + 1;
                Executor when = missed % servers.size() == 0
                        ? CompletableFuture.delayedExecutor(retryPause.toMillis(), TimeUnit.MILLISECONDS)
                        : Runnable::run;
                when.execute(() -> attempt(request, deadlineNanos, classify, result, missed));
            }
        });
    }

    private synchronized PeerConnection connection(int index) {
        if (connections[index] == null) {
            connections[index] = transport.connect(servers.get(index));
        }
        return connections[index];
    }

    @Override
    public synchronized void close() {
        for (PeerConnection c : connections) {
            if (c != null) {
                c.close();
            }
        }
    }
}
