package io.shardkv.rpc;

import io.shardkv.rpc.codec.CodecException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A client's view of one replicated group: it sends each request to its guess of the leader and,
 * as the caller's classifier decides, follows a leader hint, tries the next server (after a short
 * pause once every server was tried), or finishes — until a deadline. Connections are made on
 * first use and kept. A hint naming a server the client was not given — one the group added since —
 * adds it (up to {@link #MAX_LEARNED_SERVERS}), so a client with an outdated list still finds the
 * group as long as one server it knows is a member. Thread-safe; never blocks.
 */
public final class GroupClient implements AutoCloseable {

    /** What to do with a response. */
    public sealed interface Step<R> {
    }

    /** The call is done with this value. */
    public record Done<R>(R value) implements Step<R> {
    }

    /** Try the server at {@code address} ({@code host:port}), learning it if it is new. */
    public record Redirect<R>(String address) implements Step<R> {
    }

    /** Try the next server. */
    public record Retry<R>() implements Step<R> {
    }

    /** Give up with this failure. */
    public record Fail<R>(Exception error) implements Step<R> {
    }

    /** Servers learned from hints, beyond those given: bounds what a confused group can make a client open. */
    public static final int MAX_LEARNED_SERVERS = 16;

    private final Transport transport;
    /** What the servers must serve; null for anything. */
    private final String expectedService;
    private final int given;
    private final List<InetSocketAddress> servers = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private final List<PeerConnection> connections = new ArrayList<>();
    private final Duration attemptTimeout;
    private final Duration retryPause;
    private volatile int leader;

    /**
     * @param attemptTimeout how long to wait for one server's answer before trying another
     * @param retryPause     pause after every server was tried without an answer or a hint
     */
    public GroupClient(Transport transport, List<InetSocketAddress> servers, Duration attemptTimeout,
                       Duration retryPause) {
        this(transport, servers, attemptTimeout, retryPause, null);
    }

    /** A client of the group whose servers a configuration names as {@code host:port} texts. */
    public static GroupClient of(Transport transport, List<String> servers, Duration attemptTimeout, Duration retryPause) {
        List<InetSocketAddress> addresses = new ArrayList<>(servers.size());
        for (String s : servers) {
            addresses.add(HostPort.parse(s));
        }
        return new GroupClient(transport, addresses, attemptTimeout, retryPause);
    }

    /** The same, for servers that must serve {@code expectedService} ({@link Services}; null for any). */
    public GroupClient(Transport transport, List<InetSocketAddress> servers, Duration attemptTimeout,
                       Duration retryPause, String expectedService) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.expectedService = expectedService;
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("servers is empty: a group needs at least one server");
        }
        TransportConfig.requirePositive("attemptTimeout", attemptTimeout);
        if (retryPause.isNegative()) {
            throw new IllegalArgumentException("retryPause must be 0 or more, was " + retryPause.toMillis() + " ms");
        }
        for (InetSocketAddress a : servers) {
            this.servers.add(a);
            addresses.add(HostPort.format(a));
            connections.add(null);
        }
        this.given = servers.size();
        this.attemptTimeout = attemptTimeout;
        this.retryPause = retryPause;
        this.leader = ThreadLocalRandom.current().nextInt(servers.size());
    }

    /** The servers given, then those learned from hints. */
    public synchronized List<InetSocketAddress> servers() {
        return List.copyOf(servers);
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
            result.completeExceptionally(new TimeoutException("no outcome from group " + addressesText() + " in time"
                    + " for " + request.getClass().getSimpleName()));
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
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof PermissionDeniedException) {
                result.completeExceptionally(cause); // another replica would refuse it too
                return;
            }
            Step<R> step = error != null ? new Retry<>() : classify.apply(response);
            if (step instanceof Done<R> done) {
                result.complete(done.value());
            } else if (step instanceof Fail<R> fail) {
                result.completeExceptionally(fail.error());
            } else {
                int hinted = step instanceof Redirect<R> r ? indexOf(r.address()) : -1;
                int size = size();
                int next = hinted >= 0 && hinted != target ? hinted : (target + 1) % size;
                leader = next;
                int missed = hinted >= 0 ? 0 : misses + 1;
                Executor when = missed % size == 0
                        ? CompletableFuture.delayedExecutor(retryPause.toMillis(), TimeUnit.MILLISECONDS)
                        : Runnable::run;
                when.execute(() -> attempt(request, deadlineNanos, classify, result, missed));
            }
        });
    }

    /** Where {@code address} is in the list, adding it if it is new and there is room; -1 if not usable. */
    private synchronized int indexOf(String address) {
        InetSocketAddress a;
        try {
            a = HostPort.parse(address);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        int i = addresses.indexOf(HostPort.format(a));
        if (i >= 0 || servers.size() - given >= MAX_LEARNED_SERVERS) {
            return i;
        }
        servers.add(a);
        addresses.add(HostPort.format(a));
        connections.add(null);
        return servers.size() - 1;
    }

    private synchronized int size() {
        return servers.size();
    }

    private synchronized String addressesText() {
        return addresses.toString();
    }

    private synchronized PeerConnection connection(int index) {
        if (connections.get(index) == null) {
            connections.set(index, transport.connect(servers.get(index), expectedService));
        }
        return connections.get(index);
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
