package io.shardkv.client;

import io.shardkv.rpc.GroupClient;
import io.shardkv.rpc.PermissionDeniedException;
import io.shardkv.rpc.codec.CodecException;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.Shards;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import io.shardkv.rpc.kv.KvSteps;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * One call of a {@link ShardKvClient}: routes the request by the cached configuration, sends it to
 * the group that owns its key, and — when that group does not own the key, does not answer, or
 * there is no configuration yet — asks for a newer configuration after a pause and tries again,
 * with the same session and seq, until there is an outcome or the deadline passes.
 *
 * <p>It remembers whether the request was ever handed to a group. A call that times out after
 * that fails {@code TIMEOUT} (a write may have been applied); one that never got that far fails
 * {@code UNAVAILABLE} with the reason (a write was not applied).
 */
final class KvCall {

    private static final Duration MIN_BACKOFF = Duration.ofMillis(10);
    private static final Duration MAX_BACKOFF = Duration.ofMillis(200);
    /** How long one group is tried before the configuration is asked again (it may have moved the key). */
    private static final Duration GROUP_DEADLINE = Duration.ofSeconds(2);

    private final Router router;
    private final BooleanSupplier closed;
    private final KvRequest request;
    private final Duration timeout;
    private final long deadlineNanos;
    private final CompletableFuture<KvResponse> result = new CompletableFuture<>();
    /** Set once the request was handed to a group: from then on a write may have been applied. */
    private volatile boolean sent;
    /** Why the request could not be handed to a group when it was last tried. */
    private volatile String unavailable = "no configuration from the controllers yet";

    KvCall(Router router, BooleanSupplier closed, KvRequest request, Duration timeout) {
        this.router = router;
        this.closed = closed;
        this.request = request;
        this.timeout = timeout;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    /** Starts the call; the future completes with the group's answer or fails with a {@link ShardKvException}. */
    CompletableFuture<KvResponse> start() {
        router.config().whenComplete((config, error) -> step(() -> {
            if (error != null) {
                noConfiguration(error);
                refreshAfter(Config.initial(1), MIN_BACKOFF);
            } else {
                route(config, MIN_BACKOFF);
            }
        }));
        return result;
    }

    /**
     * Runs one step of the call, on whichever thread completed the previous one. A step that
     * throws (a bug) fails the call with it: a future completed nowhere would leave the caller
     * waiting forever.
     */
    private void step(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failUnexpectedly(e);
        }
    }

    /** Fails the call with {@code error}, a bug, unless the client was closed under it. */
    private void failUnexpectedly(Throwable error) {
        if (closed.getAsBoolean()) {
            fail(ShardKvException.Kind.CLOSED, "the client is closed", error);
        } else {
            result.completeExceptionally(new IllegalStateException("a " + request.op() + " call failed: " + error,
                    error));
        }
    }

    /** True if the call is over (done, or now failed because the client closed or the deadline passed). */
    private boolean over() {
        if (result.isDone()) {
            return true;
        }
        if (closed.getAsBoolean()) {
            fail(ShardKvException.Kind.CLOSED, "the client is closed", null);
            return true;
        }
        if (System.nanoTime() - deadlineNanos >= 0) {
            if (sent) {
                fail(ShardKvException.Kind.TIMEOUT, request.op() + " gave no outcome within " + timeout.toMillis()
                        + " ms", null);
            } else {
                fail(ShardKvException.Kind.UNAVAILABLE, request.op() + " could not be sent to any group within "
                        + timeout.toMillis() + " ms: " + unavailable, null);
            }
            return true;
        }
        return false;
    }

    private void fail(ShardKvException.Kind kind, String message, Throwable cause) {
        result.completeExceptionally(new ShardKvException(kind, message, cause));
    }

    private void route(Config config, Duration backoff) {
        if (over()) {
            return;
        }
        int shard = Shards.shardOf(request.key(), config.numShards());
        int gid = config.groupOf(shard);
        if (gid == Config.NO_GROUP) {
            unavailable = "no group serves shard " + shard + " in configuration " + config.num();
            refreshAfter(config, backoff);
            return;
        }
        List<String> servers = config.groups().get(gid);
        GroupClient group;
        try {
            group = router.group(servers);
        } catch (IllegalArgumentException e) {
            unavailable = "group " + gid + " has servers " + servers + " that cannot be addressed: " + e.getMessage();
            refreshAfter(config, backoff);
            return;
        }
        long remaining = deadlineNanos - System.nanoTime();
        Duration groupDeadline = Duration.ofNanos(Math.min(remaining, GROUP_DEADLINE.toNanos()));
        sent = true;
        group.call(request, groupDeadline, KvSteps::classify).whenComplete((r, error) -> step(() -> {
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            if (cause instanceof TimeoutException) {
                refreshAfter(config, backoff);
            } else if (cause != null) {
                failToSend(cause);
            } else {
                answered(r, config, backoff);
            }
        }));
    }

    /** The group client failed other than by a timeout: the request cannot be sent, or something else. */
    private void failToSend(Throwable cause) {
        if (!closed.getAsBoolean() && (cause instanceof IllegalArgumentException || cause instanceof CodecException)) {
            fail(ShardKvException.Kind.BAD_REQUEST, "the request cannot be sent: " + cause.getMessage(), cause);
        } else if (cause instanceof PermissionDeniedException denied) {
            fail(ShardKvException.Kind.PERMISSION_DENIED, denied.reason(), cause);
        } else {
            failUnexpectedly(cause);
        }
    }

    private void answered(KvResponse r, Config config, Duration backoff) {
        switch (r.status()) {
            case WRONG_GROUP -> refreshAfter(config, backoff);
            case BAD_REQUEST -> fail(ShardKvException.Kind.BAD_REQUEST,
                    r.message() == null ? "the cluster refused the request, giving no reason" : r.message(), null);
            case SESSION_EXPIRED -> fail(ShardKvException.Kind.SESSION_EXPIRED,
                    "the cluster forgot this client's session; create a new client", null);
            default -> result.complete(r);
        }
    }

    private void noConfiguration(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        unavailable = "no configuration from the controllers: " + cause.getMessage();
    }

    /** The group did not own the key, or did not answer: after a pause, route by a newer configuration. */
    private void refreshAfter(Config stale, Duration backoff) {
        Duration next = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        CompletableFuture.delayedExecutor(backoff.toMillis(), TimeUnit.MILLISECONDS).execute(() -> step(() -> {
            if (over()) {
                return;
            }
            router.newerThan(stale).whenComplete((config, error) -> step(() -> {
                if (error == null) {
                    route(config, next);
                } else if (sent) {
                    // No newer configuration: the group the request went to is still the best guess.
                    route(stale, next);
                } else {
                    // The stale configuration sent it nowhere, and there is no other: ask again.
                    noConfiguration(error);
                    refreshAfter(stale, next);
                }
            }));
        }));
    }
}
