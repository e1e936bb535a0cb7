package io.shardkv.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.shardkv.rpc.codec.Codec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Completes the pending requests of an outbound connection with their RESPONSE or ERROR. A
 * response to a request no longer pending (it timed out) is dropped. The peer sends nothing else
 * on this connection: any other frame is a protocol error.
 */
final class ResponseDispatcher extends SimpleChannelInboundHandler<Frame> {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseDispatcher.class);

    private final PendingRequests pending;
    private final Codec codec;

    ResponseDispatcher(PendingRequests pending, Codec codec) {
        this.pending = pending;
        this.codec = codec;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        long id = frame.correlationId;
        switch (frame.kind) {
            case RESPONSE -> {
                if (pending.contains(id)) {
                    pending.complete(id, Frames.decodeBody(codec, frame));
                } else {
                    LOG.debug("dropping the response to request #{} from {}: no longer pending", id,
                            ctx.channel().remoteAddress());
                }
            }
            case ERROR -> pending.fail(id, new RemoteException(reason(frame.content())));
            case DENIED -> pending.fail(id, new PermissionDeniedException(reason(frame.content())));
            default -> throw new ProtocolException("unexpected " + frame.kind + " frame from the accepting side");
        }
    }

    private static String reason(ByteBuf body) {
        int length = Math.min(body.readableBytes(), ServerDispatcher.MAX_ERROR_BYTES);
        return Text.printable(body.toString(body.readerIndex(), length, StandardCharsets.UTF_8));
    }
}
