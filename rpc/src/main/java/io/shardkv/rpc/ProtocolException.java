package io.shardkv.rpc;

import io.netty.handler.codec.DecoderException;

/**
 * A peer broke the protocol (bad framing, bad handshake, undecodable body, a frame of the wrong
 * kind). The connection is closed with one WARN line carrying this message. Extends Netty's
 * {@link DecoderException} so that decoders pass it on unwrapped.
 */
final class ProtocolException extends DecoderException {

    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
        super(message);
    }

    ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * No stack trace: the message says what the peer did wrong, the pipeline's stack says nothing,
     * and filling it in is most of the cost of rejecting a peer that sends garbage.
     */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
