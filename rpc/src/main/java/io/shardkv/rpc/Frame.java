package io.shardkv.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One decoded inbound frame. Its body is a retained slice of the bytes received; whoever consumes
 * the frame releases it.
 *
 * <p>Wire layout: {@code length:int32} (bytes that follow) {@code kind:int8}
 * {@code correlationId:int64} {@code body:byte[length - 9]}, big-endian.
 */
final class Frame extends DefaultByteBufHolder {

    static final int LENGTH_FIELD_BYTES = 4;
    /** Kind and correlation id: the part of the length that is not body. */
    static final int HEADER_BYTES = 1 + 8;

    final FrameKind kind;
    final long correlationId;

    Frame(FrameKind kind, long correlationId, ByteBuf body) {
        super(body);
        this.kind = kind;
        this.correlationId = correlationId;
    }

    @Override
    public String toString() {
        return kind + " frame #" + correlationId + " (" + content().readableBytes() + " body bytes)";
    }
}
