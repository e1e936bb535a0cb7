package io.shardkv.client;

import io.shardkv.rpc.ClientSession;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.ctrler.CtrlerWireTypes;
import io.shardkv.rpc.kv.KvLimits;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import io.shardkv.rpc.kv.KvWireTypes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A client of a shardkv cluster: linearizable get, put, append, delete and compare-and-set on
 * byte-array keys and values (with String conveniences, UTF-8), blocking or as
 * {@link CompletableFuture}s.
 *
 * <p>It routes each key by the controller's configuration (cached), follows leader hints, asks
 * the controller again when a group answers {@code WRONG_GROUP}, and retries with the same
 * session and seq, so a write is applied once however often it is sent. A call that has no
 * outcome within its timeout fails with a {@link ShardKvException}: {@code TIMEOUT} if the request
 * reached a group (a write may have been applied), {@code UNAVAILABLE} if it never could (it was
 * not). {@link ShardKvException.Kind} lists every failure.
 *
 * <p>Thread-safe: share one instance; calls from many threads are pipelined over one connection
 * per server. {@link #withTimeout} gives a view with another per-call timeout over the same
 * connections; closing any view closes them all.
 */
public final class ShardKvClient implements AutoCloseable {

    /** What every view shares. */
    private static final class Core {
        final Transport transport;
        final Router router;
        final ClientSession session = new ClientSession();
        volatile boolean closed;

        Core(ClientConfig config) {
            Codec codec = Codec.builder().install(new KvWireTypes()).install(new CtrlerWireTypes()).build();
            this.transport = Transport.create(config.transportConfig(), codec);
            this.router = new Router(transport, config);
        }
    }

    private final Core core;
    private final Duration timeout;

    private ShardKvClient(Core core, Duration timeout) {
        this.core = core;
        this.timeout = timeout;
    }

    /** A client of the cluster whose controllers {@code config} names. Connections open on first use. */
    public static ShardKvClient connect(ClientConfig config) {
        return new ShardKvClient(new Core(config), config.callTimeout());
    }

    /** A client of the cluster whose controllers are at {@code host:port} each, with default settings. */
    public static ShardKvClient connect(List<String> controllers) {
        return connect(ClientConfig.of(controllers));
    }

    /** A view of this client whose calls give up after {@code callTimeout}; it shares the connections. */
    public ShardKvClient withTimeout(Duration callTimeout) {
        ClientConfig.requirePositive("callTimeout", callTimeout);
        return new ShardKvClient(core, callTimeout);
    }

    // ------------------------------------------------------------------ asynchronous, bytes

    /** The value of {@code key}, or null if it has none. */
    public CompletableFuture<byte[]> getAsync(byte[] key) {
        return call(KvOp.GET, key, null, null).thenApply(r -> r.status() == KvStatus.OK ? r.value() : null);
    }

    /** Sets {@code key} to {@code value}. */
    public CompletableFuture<Void> putAsync(byte[] key, byte[] value) {
        return call(KvOp.PUT, key, Objects.requireNonNull(value, "value"), null).thenApply(r -> null);
    }

    /** Appends {@code value} to {@code key}'s value (an absent key counts as empty). */
    public CompletableFuture<Void> appendAsync(byte[] key, byte[] value) {
        return call(KvOp.APPEND, key, Objects.requireNonNull(value, "value"), null).thenApply(r -> null);
    }

    /** Deletes {@code key}; true if it had a value. */
    public CompletableFuture<Boolean> deleteAsync(byte[] key) {
        return call(KvOp.DELETE, key, null, null).thenApply(r -> r.status() == KvStatus.OK);
    }

    /**
     * Sets {@code key} to {@code value} if its value is {@code expected} (null: if it has none);
     * true if it did.
     */
    public CompletableFuture<Boolean> compareAndSetAsync(byte[] key, byte[] expected, byte[] value) {
        return call(KvOp.CAS, key, Objects.requireNonNull(value, "value"), expected)
                .thenApply(r -> r.status() == KvStatus.OK);
    }

    // ------------------------------------------------------------------ blocking, bytes

    /** The value of {@code key}, or null if it has none. */
    public byte[] get(byte[] key) {
        return await(getAsync(key));
    }

    /** Sets {@code key} to {@code value}. */
    public void put(byte[] key, byte[] value) {
        await(putAsync(key, value));
    }

    /** Appends {@code value} to {@code key}'s value (an absent key counts as empty). */
    public void append(byte[] key, byte[] value) {
        await(appendAsync(key, value));
    }

    /** Deletes {@code key}; true if it had a value. */
    public boolean delete(byte[] key) {
        return await(deleteAsync(key));
    }

    /** Sets {@code key} to {@code value} if its value is {@code expected} (null: absent); true if it did. */
    public boolean compareAndSet(byte[] key, byte[] expected, byte[] value) {
        return await(compareAndSetAsync(key, expected, value));
    }

    // ------------------------------------------------------------------ blocking, strings (UTF-8)

    /** The value of {@code key}, or null if it has none. */
    public String get(String key) {
        byte[] v = get(utf8(key, "key"));
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** Sets {@code key} to {@code value}. */
    public void put(String key, String value) {
        put(utf8(key, "key"), utf8(value, "value"));
    }

    /** Appends {@code value} to {@code key}'s value (an absent key counts as empty). */
    public void append(String key, String value) {
        append(utf8(key, "key"), utf8(value, "value"));
    }

    /** Deletes {@code key}; true if it had a value. */
    public boolean delete(String key) {
        return delete(utf8(key, "key"));
    }

    /** Sets {@code key} to {@code value} if its value is {@code expected} (null: absent); true if it did. */
    public boolean compareAndSet(String key, String expected, String value) {
        return compareAndSet(utf8(key, "key"), expected == null ? null : utf8(expected, "expected"), utf8(value, "value"));
    }

    private static byte[] utf8(String s, String name) {
        return Objects.requireNonNull(s, name).getBytes(StandardCharsets.UTF_8);
    }

    /** Closes every connection of this client and of its views; calls in flight fail with {@code CLOSED}. */
    @Override
    public void close() {
        if (core.closed) {
            return;
        }
        core.closed = true;
        core.router.close();
        core.transport.close();
    }

    // ------------------------------------------------------------------ calls

    private CompletableFuture<KvResponse> call(KvOp op, byte[] key, byte[] value, byte[] expected) {
        Objects.requireNonNull(key, "key");
        if (core.closed) {
            return CompletableFuture.failedFuture(new ShardKvException(ShardKvException.Kind.CLOSED,
                    "the client is closed"));
        }
        // Refused here, in the server's words: an oversized request would otherwise be sent (or, past
        // the frame limit, fail to be) and its answer waited for.
        String tooLarge = KvLimits.problem(key, value);
        if (tooLarge != null) {
            return CompletableFuture.failedFuture(new ShardKvException(ShardKvException.Kind.BAD_REQUEST, tooLarge));
        }
        ClientSession session = core.session;
        long seq = op.isRead() ? 0 : session.begin();
        KvRequest request = new KvRequest(session.clientId(), seq, session.lowestUnacked(), op, key, value, expected);
        CompletableFuture<KvResponse> result = new KvCall(core.router, () -> core.closed, request, timeout).start();
        if (seq != 0) {
            result.whenComplete((r, e) -> session.end(seq));
        }
        return result;
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShardKvException(ShardKvException.Kind.INTERRUPTED, "interrupted while waiting", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ShardKvException s) {
                throw s;
            }
            throw new IllegalStateException("a call failed with an unexpected error: " + e.getCause(), e.getCause());
        }
    }
}
