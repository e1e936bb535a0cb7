package io.shardkv.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.shardkv.rpc.codec.Codec;

import java.net.InetSocketAddress;


/** Pipelines on {@link EmbeddedChannel}s, and frames to feed them, for handler tests without sockets. */
final class Embedded {

    static final String CLUSTER = "test-cluster";
    static final TransportConfig SERVER_CONFIG = TransportConfig.builder(CLUSTER).nodeId(1).build();
    static final TransportConfig CLIENT_CONFIG = TransportConfig.builder(CLUSTER).nodeId(7).build();

    private Embedded() {
    }

    /** A server-side connection (pipeline installed on an active channel, as on accept). */
    static EmbeddedChannel server(TransportConfig config, Codec codec, RpcHandler handler) {
        EmbeddedChannel channel = new EmbeddedChannel();
        new ServerPipeline(config, codec, handler, new RpcCounters(), new UnansweredRequests(), null).install(channel);
        return channel;
    }

    /** A server-side connection that has completed the handshake with a peer of node id 7. */
    static EmbeddedChannel handshakenServer(Codec codec, RpcHandler handler) {
        EmbeddedChannel channel = server(SERVER_CONFIG, codec, handler);
        channel.writeInbound(Hello.of(CLUSTER, 7).encode(ByteBufAllocator.DEFAULT));
        Frame answer = readFrame(channel);
        try {
            if (answer.kind != FrameKind.HELLO || Hello.decode(answer.content()).refused()) {
                throw new AssertionError("handshake failed: " + answer);
            }
        } finally {
            answer.release();
        }
        return channel;
    }

    static EmbeddedChannel client(TransportConfig config, Codec codec, PendingRequests pending,
                                  ConnectorHandshake.Listener listener) {
        EmbeddedChannel channel = new EmbeddedChannel();
        new ClientPipeline(config, codec, null, new InetSocketAddress("127.0.0.1", 1), null).install(channel, pending, listener);
        return channel;
    }

    static ByteBuf frame(FrameKind kind, long correlationId, Object body, Codec codec) {
        return Frames.encode(ByteBufAllocator.DEFAULT, kind, correlationId, body, codec, TransportConfig.DEFAULT_MAX_FRAME_BYTES);
    }

    static ByteBuf rawFrame(int length, int kind, long correlationId, byte[] body) {
        return Unpooled.buffer().writeInt(length).writeByte(kind).writeLong(correlationId).writeBytes(body);
    }

    /** The parts one after the other, as if they arrived in one read; the parts are released. */
    static ByteBuf concat(ByteBuf... parts) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf part : parts) {
            all.writeBytes(part);
            part.release();
        }
        return all;
    }

    /** The next frame the channel wrote, parsed; the caller releases it. */
    static Frame readFrame(EmbeddedChannel channel) {
        channel.runPendingTasks();
        ByteBuf bytes = channel.readOutbound();
        if (bytes == null) {
            throw new AssertionError("nothing was written");
        }
        try {
            int length = bytes.readInt();
            if (length != bytes.readableBytes()) {
                throw new AssertionError("length field " + length + " but " + bytes.readableBytes() + " bytes follow");
            }
            FrameKind kind = FrameKind.ofCode(bytes.readByte());
            long id = bytes.readLong();
            return new Frame(kind, id, bytes.retainedSlice());
        } finally {
            bytes.release();
        }
    }
}
