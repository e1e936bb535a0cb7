package io.shardkv.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.codec.CodecException;

/** Builds outbound frames (see {@link Frame} for the layout) and decodes inbound bodies. */
final class Frames {

    /** First allocation for an outbound frame; most messages fit, larger ones grow the buffer. */
    private static final int INITIAL_CAPACITY = 256;

    private Frames() {
    }

    /**
     * A complete frame whose body is the encoding of {@code body}.
     *
     * @throws IllegalArgumentException if the body's type is not registered or the frame would
     *                                  exceed {@code maxFrameBytes}
     */
    static ByteBuf encode(ByteBufAllocator alloc, FrameKind kind, long correlationId, Object body,
                          Codec codec, int maxFrameBytes) {
        ByteBuf frame = alloc.buffer(INITIAL_CAPACITY, Frame.LENGTH_FIELD_BYTES + maxFrameBytes);
        try {
            writeHeader(frame, kind, correlationId);
            codec.encode(body, frame);
            return finish(frame);
        } catch (RuntimeException e) {
            frame.release();
            throw e;
        }
    }

    /** A complete frame with a body of raw bytes (HELLO, ERROR). */
    static ByteBuf raw(ByteBufAllocator alloc, FrameKind kind, long correlationId, byte[] body) {
        ByteBuf frame = alloc.buffer(Frame.LENGTH_FIELD_BYTES + Frame.HEADER_BYTES + body.length);
        writeHeader(frame, kind, correlationId);
        frame.writeBytes(body);
        return finish(frame);
    }

    /** The single value in {@code frame}'s body; a body that does not decode is a protocol error. */
    static Object decodeBody(Codec codec, Frame frame) {
        try {
            return codec.decode(frame.content());
        } catch (CodecException e) {
            throw new ProtocolException("undecodable " + frame.kind + " body (correlation id "
                    + frame.correlationId + "): " + e.getMessage(), e);
        }
    }

    private static void writeHeader(ByteBuf frame, FrameKind kind, long correlationId) {
        frame.writeInt(0); // the length, filled in by finish()
        frame.writeByte(kind.code);
        frame.writeLong(correlationId);
    }

    private static ByteBuf finish(ByteBuf frame) {
        frame.setInt(0, frame.readableBytes() - Frame.LENGTH_FIELD_BYTES);
        return frame;
    }
}
