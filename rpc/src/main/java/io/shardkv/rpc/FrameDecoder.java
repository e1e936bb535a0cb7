package io.shardkv.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Splits the inbound byte stream into {@link Frame}s. A frame is emitted only once all its bytes
 * have arrived, and the buffer grows only with bytes received, never with the declared length, so
 * a peer announcing a huge frame costs nothing until it actually sends it (and it may announce at
 * most {@code maxFrameBytes}). A bad length or kind is a {@link ProtocolException}; after one, the
 * rest of the stream is discarded while the connection closes.
 */
final class FrameDecoder extends ByteToMessageDecoder {

    private final int maxFrameBytes;
    private boolean failed;

    FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
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
