package io.shardkv.rpc;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.tls.TlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An outbound connection to one peer, kept up in the background: created by
 * {@link Transport#connect}, it connects at once, runs the handshake, and after any failure
 * reconnects with capped exponential backoff until {@link #close()}d.
 *
 * <p>{@link #send} (one-way) and {@link #request} never block. What they hand over is encoded on
 * the calling thread, queued, and written by the connection's event loop in batches with one flush
 * per batch. While the connection is down, frames wait in the queue; the queue is bounded
 * ({@link TransportConfig#maxQueuedMessages()}, {@link TransportConfig#maxQueuedBytes()}) and a
 * message that does not fit is dropped and counted, never buffered without limit. Messages are
 * delivered in the order they were sent, at most once: those in flight when a connection breaks
 * are lost, as in any transport without acknowledgements.
 *
 * <p>A request's future completes with the response, or fails with a {@link TimeoutException}, a
 * {@link RemoteException} (the peer's handler failed), a {@link ConnectionLostException} (the
 * connection broke or could not be made while the request was outstanding: requests fail fast
 * rather than wait for a reconnect), or a {@link RejectedExecutionException} (too many outstanding
 * requests or a full queue). Futures complete on a transport thread: continue with the
 * {@code *Async} methods of {@link CompletableFuture} for anything that blocks.
 *
 * <p>Thread-safe. State changes happen on the connection's event loop only.
 */
public final class PeerConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeerConnection.class);
    /** Frames written per drain before flushing and letting the event loop serve other connections. */
    private static final int MAX_WRITES_PER_DRAIN = 256;

    private final InetSocketAddress address;
    private final Codec codec;
    private final int maxFrameBytes;
    private final int maxPendingRequests;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Backoff backoff;
    private final OutboundQueue queue;
    private final PendingRequests pending = new PendingRequests();
    private final AtomicLong nextCorrelationId = new AtomicLong(1);
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder sent = new LongAdder();
    private final LongAdder sentBytes = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder reconnects = new LongAdder();

    /** The channel whose handshake completed, or null; written on the event loop only. */
    private volatile Channel ready;

    // Confined to the event loop.
    private Channel current;
    private ScheduledFuture<?> reconnectTimer;
    private boolean everConnected;
    private String lastFailure;

    private PeerConnection(InetSocketAddress address, TransportConfig config, Codec codec, EventLoops loops,
                           TlsContexts tls, String expectedService) {
        this.address = address;
        this.codec = codec;
        this.maxFrameBytes = config.maxFrameBytes();
        this.maxPendingRequests = config.maxPendingRequests();
        this.loop = loops.group().next();
        this.backoff = new Backoff(config.reconnectBackoffMin(), config.reconnectBackoffMax(), new Random());
        this.queue = new OutboundQueue(config.maxQueuedMessages(), config.maxQueuedBytes());
        ClientPipeline pipeline = new ClientPipeline(config, codec, tls, address, expectedService);
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(loops.socketChannelClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        pipeline.install(channel, pending, PeerConnection.this::connected);
                    }
                });
    }

    static PeerConnection open(InetSocketAddress address, TransportConfig config, Codec codec, EventLoops loops,
                               TlsContexts tls, String expectedService) {
        PeerConnection connection = new PeerConnection(address, config, codec, loops, tls, expectedService);
        connection.loop.execute(connection::connect);
        return connection;
    }

    public InetSocketAddress remoteAddress() {
        return address;
    }

    /**
     * Queues a one-way message. Never blocks.
     *
     * @return true if queued; false if dropped (queue full, or this connection closed), which is
     *         counted in {@link #droppedMessages()}
     * @throws IllegalArgumentException if the message's type is not registered with the codec or
     *                                  its encoding exceeds {@link TransportConfig#maxFrameBytes()}
     */
    public boolean send(Object message) {
        Objects.requireNonNull(message, "message");
        if (closed.get()) {
            dropped.increment();
            return false;
        }
        ByteBuf frame = Frames.encode(ByteBufAllocator.DEFAULT, FrameKind.MESSAGE, 0, message, codec, maxFrameBytes);
        if (!enqueue(new OutboundQueue.Item(frame, 0, frame.readableBytes()))) {
            dropped.increment();
            return false;
        }
        return true;
    }

    /**
     * Sends a request; the future completes with the peer's response (see the class comment for how
     * it fails). Never blocks.
     *
     * @throws IllegalArgumentException if the request's type is not registered with the codec, its
     *                                  encoding exceeds {@link TransportConfig#maxFrameBytes()}, or
     *                                  {@code timeout} is not positive
     */
    public CompletableFuture<Object> request(Object request, Duration timeout) {
        Objects.requireNonNull(request, "request");
        TransportConfig.requirePositive("timeout", timeout);
        if (closed.get()) {
            return CompletableFuture.failedFuture(new ConnectionLostException("connection to " + address + " is closed"));
        }
        if (pending.size() >= maxPendingRequests) {
            return CompletableFuture.failedFuture(new RejectedExecutionException(
                    maxPendingRequests + " requests to " + address + " are already awaiting a response"));
        }
        long id = nextCorrelationId.getAndIncrement();
        ByteBuf frame = Frames.encode(ByteBufAllocator.DEFAULT, FrameKind.REQUEST, id, request, codec, maxFrameBytes);
        CompletableFuture<Object> response = pending.register(id, timeout, loop, address);
        if (!enqueue(new OutboundQueue.Item(frame, id, frame.readableBytes()))) {
            pending.fail(id, new RejectedExecutionException("the outbound queue to " + address + " is full"));
        } else if (closed.get()) {
            // close() may have failed the pending requests just before this one was registered.
            pending.fail(id, new ConnectionLostException("connection to " + address + " is closed"));
        }
        return response;
    }

    /** True while a connection with a completed handshake is up. */
    public boolean isConnected() {
        return ready != null;
    }

    /** Messages and requests written to the socket. */
    public long sentMessages() {
        return sent.sum();
    }

    /** Bytes of the frames written to the socket. */
    public long sentBytes() {
        return sentBytes.sum();
    }

    /** Frames whose write to the socket failed (the connection broke under them). */
    public long sendFailures() {
        return sendFailures.sum();
    }

    /** One-way messages dropped: refused by a full queue or after close, or discarded by close. */
    public long droppedMessages() {
        return dropped.sum();
    }

    /** Times the connection was re-established after being lost (the first connection is not counted). */
    public long reconnects() {
        return reconnects.sum();
    }

    /** Messages and requests accepted but not yet written to the socket (bounded by the queue limits). */
    public int queuedMessages() {
        return queue.held();
    }

    /** Requests awaiting their response. */
    public int pendingRequests() {
        return pending.size();
    }

    /**
     * Closes the connection and stops reconnecting. Pending requests fail with a
     * {@link ConnectionLostException}; queued messages are discarded (and counted as dropped).
     * Returns without waiting for the socket to close.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        runOnLoop(() -> {
            if (reconnectTimer != null) {
                reconnectTimer.cancel(false);
            }
            if (current != null) {
                current.close();
            }
            pending.failAll(new ConnectionLostException("connection to " + address + " was closed"));
            discardQueued();
            LOG.debug("closed connection to {}", address);
        });
    }

    @Override
    public String toString() {
        return "PeerConnection(" + address + (isConnected() ? ", connected" : "") + ")";
    }

    private boolean enqueue(OutboundQueue.Item item) {
        if (!queue.offer(item)) {
            item.frame().release();
            return false;
        }
        scheduleDrain();
        return true;
    }

    private void scheduleDrain() {
        // While disconnected the queue just fills; connected() drains it. After close() the drain
        // discards whatever a racing send() queued.
        if ((ready != null || closed.get()) && drainScheduled.compareAndSet(false, true)) {
            runOnLoop(this::drain);
        }
    }

    /** Runs {@code task} on the event loop; once the loop has terminated nothing else runs there, so inline. */
    private void runOnLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException terminated) {
            task.run();
        }
    }

    private void drain() {
        drainScheduled.set(false);
        if (closed.get()) {
            discardQueued();
            return;
        }
        Channel channel = ready;
        if (channel == null) {
            return;
        }
        int written = 0;
        OutboundQueue.Item item;
        while (written < MAX_WRITES_PER_DRAIN && (item = queue.poll()) != null) {
            if (item.isRequest() && !pending.contains(item.requestId())) {
                discard(item); // timed out or failed while queued: the caller has its answer
                continue;
            }
            write(channel, item);
            written++;
        }
        if (written > 0) {
            channel.flush();
        }
        if (!queue.isEmpty()) {
            scheduleDrain();
        }
    }

    private void write(Channel channel, OutboundQueue.Item item) {
        channel.write(item.frame()).addListener((ChannelFuture written) -> {
            queue.release(item);
            if (written.isSuccess()) {
                sent.increment();
                sentBytes.add(item.bytes());
                return;
            }
            sendFailures.increment();
            if (item.isRequest()) {
                pending.fail(item.requestId(), new ConnectionLostException("could not send request #"
                        + item.requestId() + " to " + address + ": " + describe(written.cause())));
            }
        });
    }

    private void discard(OutboundQueue.Item item) {
        item.frame().release();
        queue.release(item);
        if (!item.isRequest()) {
            dropped.increment();
        }
    }

    private void discardQueued() {
        OutboundQueue.Item item;
        while ((item = queue.poll()) != null) {
            discard(item);
        }
    }

    private void connect() {
        reconnectTimer = null;
        if (closed.get()) {
            return;
        }
        ChannelFuture attempt = bootstrap.connect(address);
        current = attempt.channel();
        attempt.addListener((ChannelFuture done) -> {
            if (done.isSuccess()) {
                done.channel().closeFuture().addListener(closedFuture -> disconnected(done.channel()));
            } else {
                current = null;
                attemptFailed("cannot connect: " + describe(done.cause()));
            }
        });
    }

    /** The handshake on {@code channel} completed (on the event loop). */
    private void connected(Channel channel, Hello peer) {
        if (closed.get() || channel != current) {
            channel.close();
            return;
        }
        ready = channel;
        backoff.reset();
        lastFailure = null;
        if (everConnected) {
            reconnects.increment();
        }
        everConnected = true;
        LOG.info("connected to {} (node {})", address, peer.nodeId());
        drain();
    }

    private void disconnected(Channel channel) {
        boolean wasReady = ready == channel;
        ready = null;
        current = null;
        if (!wasReady) {
            String failure = channel.attr(ConnectorHandshake.FAILURE).get();
            if (failure == null && channel.attr(ConnectionGuard.TLS_UP).get() != null) {
                // With TLS 1.3 a server checks our certificate after we think TLS is up, and closes.
                failure = "TLS: the server closed the connection before answering our HELLO: it refused our"
                        + " certificate (from another CA, or expired; its log says which)";
            }
            attemptFailed(failure != null ? failure : "connection closed before the handshake completed");
            return;
        }
        if (!closed.get()) {
            LOG.info("lost connection to {}; reconnecting", address);
        }
        pending.failAll(new ConnectionLostException("connection to " + address + " was lost"));
        discardFailedRequests();
        scheduleReconnect();
    }

    /** A connection attempt failed; the same reason as last time is logged at DEBUG only. */
    private void attemptFailed(String reason) {
        if (!closed.get()) {
            if (reason.equals(lastFailure)) {
                LOG.debug("{}: {}", address, reason);
            } else {
                LOG.info("{}: {}; retrying with backoff", address, reason);
            }
            lastFailure = reason;
        }
        pending.failAll(new ConnectionLostException(address + ": " + reason));
        discardFailedRequests();
        scheduleReconnect();
    }

    /** Requests already answered (failed or timed out) give their room in the queue back. */
    private void discardFailedRequests() {
        queue.removeIf(item -> item.isRequest() && !pending.contains(item.requestId()), this::discard);
    }

    private void scheduleReconnect() {
        if (closed.get()) {
            return;
        }
        if (loop.isShuttingDown()) {
            close(); // the transport is stopping: nothing to reconnect with
            return;
        }
        reconnectTimer = loop.schedule(this::connect, backoff.nextDelayNanos(), TimeUnit.NANOSECONDS);
    }

    private static String describe(Throwable cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
