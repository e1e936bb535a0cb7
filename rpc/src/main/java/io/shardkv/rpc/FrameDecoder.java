package io.shardkv.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.shardkv.rpc.ConnectionLimits.Limit;

import java.util.List;

/**
 * Splits the inbound byte stream into {@link Frame}s. A frame is emitted only once all its bytes
 * have arrived, and the buffer grows only with bytes received, never with the declared length, so
 * a peer announcing a huge frame costs nothing until it actually sends it (and it may announce at
 * most {@code maxFrameBytes}). A bad length or kind is a {@link ProtocolException}; after one, the
 * rest of the stream is discarded while the connection closes.
 *
 * <p>On a server's connections the bytes held for an incomplete frame are also taken from the
 * server's budget ({@link ConnectionLimits#maxIncompleteFrameBytes()}), one for cluster members and
 * one for everyone else; the connection whose bytes its budget cannot hold is closed, so no number
 * of connections can buffer more than twice the limit.
 */
final class FrameDecoder extends ByteToMessageDecoder {

    private final ServerEdge edge;
    private int maxFrameBytes;
    private boolean failed;
    /** Whether the peer is a cluster member, whose bytes come from the members' budget. */
    private boolean member;
    /** Bytes of the budget this connection holds: what it had buffered after the last read. */
    private long reserved;

    /** A decoder whose buffered bytes are not budgeted (outbound connections). */
    FrameDecoder(int maxFrameBytes) {
        this(maxFrameBytes, null);
    }

    /** @param edge the server whose incomplete-frame budget this connection draws on */
    FrameDecoder(int maxFrameBytes, ServerEdge edge) {
        this.maxFrameBytes = maxFrameBytes;
        this.edge = edge;
    }

    /**
     * From now on frames of up to {@code bytes} are accepted (a server raises it after the
     * handshake), and a {@code clusterMember}'s bytes come from the members' budget.
     */
    void allowFrameBytes(int bytes, boolean clusterMember) {
        maxFrameBytes = bytes;
        if (clusterMember && !member && edge != null) {
            edge.moveToMembers(reserved);
        }
        member = clusterMember;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        super.channelRead(ctx, msg);
        if (edge != null) {
            budget(ctx);
        }
    }

    private void budget(ChannelHandlerContext ctx) {
        long held = failed ? 0 : internalBuffer().readableBytes();
        long more = held - reserved;
        if (more == 0) {
            return;
        }
        if (edge.reserveIncompleteFrameBytes(member, more)) {
            reserved = held;
            return;
        }
        failed = true;
        internalBuffer().skipBytes(internalBuffer().readableBytes());
        edge.reserveIncompleteFrameBytes(member, -reserved);
        reserved = 0;
        if (ConnectionGuard.firstToClose(ctx.channel())) {
            edge.hit(Limit.INCOMPLETE_FRAME_BYTES, ctx.channel(), "closing a connection holding " + held
                    + " bytes of an incomplete frame: the server's " + (member ? "cluster members'" : "clients'")
                    + " connections together may buffer at most " + edge.limits().maxIncompleteFrameBytes() + " ("
                    + ServerEdge.flag(Limit.INCOMPLETE_FRAME_BYTES) + ")");
        }
        ctx.close();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (edge != null && reserved != 0) {
            edge.reserveIncompleteFrameBytes(member, -reserved);
            reserved = 0;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < Frame.LENGTH_FIELD_BYTES) {
            return;
        }
        int start = in.readerIndex();
        int length = in.getInt(start);
        if (length < 0) {
            throw fail(in, "frame length " + length + " is negative");
        }
        if (length < Frame.HEADER_BYTES) {
            throw fail(in, "frame length " + length + " is shorter than the " + Frame.HEADER_BYTES + "-byte header");
        }
        if (length > maxFrameBytes) {
            throw fail(in, "frame length " + length + " exceeds maximum " + maxFrameBytes);
        }
        if (in.readableBytes() > Frame.LENGTH_FIELD_BYTES) {
            // Reject garbage as soon as the kind byte is there rather than after `length` bytes.
            byte code = in.getByte(start + Frame.LENGTH_FIELD_BYTES);
            if (FrameKind.ofCode(code) == null) {
                throw fail(in, String.format("unknown frame kind 0x%02x", code & 0xff));
            }
        }
        if (in.readableBytes() < Frame.LENGTH_FIELD_BYTES + length) {
            return;
        }
        in.skipBytes(Frame.LENGTH_FIELD_BYTES);
        FrameKind kind = FrameKind.ofCode(in.readByte());
        long correlationId = in.readLong();
        out.add(new Frame(kind, correlationId, in.readRetainedSlice(length - Frame.HEADER_BYTES)));
    }

    private ProtocolException fail(ByteBuf in, String reason) {
        failed = true;
        in.skipBytes(in.readableBytes());
        return new ProtocolException(reason);
    }
}
